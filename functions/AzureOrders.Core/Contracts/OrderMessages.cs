namespace AzureOrders.Contracts;

/// <summary>One order line as the seed document defines it; money in integer cents.</summary>
public sealed record OrderLineV1(string Sku, int Quantity, long PriceInCents);

/// <summary>
/// order.placed.v1, the payload users expect (seed): <c>{ orderId, customerId, items: [{ sku, quantity, priceInCents }], totalInCents }</c>.
/// </summary>
public sealed record OrderPlacedV1(string OrderId, string CustomerId, IReadOnlyList<OrderLineV1> Items, long TotalInCents);

/// <summary>Money as amount in minor units plus ISO-4217 currency (the v2 breaking change).</summary>
public sealed record Money(long AmountInCents, string Currency);

public sealed record OrderLineV2(string Sku, int Quantity, Money UnitPrice);

public sealed record ShippingAddress(string Name, string Line1, string? Line2, string City, string PostalCode, string Country);

/// <summary>
/// order.placed.v2: money with currency and an optional shipping address. Consumers accept v1 and v2
/// through <see cref="OrderPlacedUpcaster"/>; producers emit the version configured.
/// </summary>
public sealed record OrderPlacedV2(
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLineV2> Items,
    Money Total,
    ShippingAddress? ShippingAddress);

/// <summary>order.confirmed.v1: the saga finished; stock is held and payment captured.</summary>
public sealed record OrderConfirmedV1(string OrderId, string CustomerId, long TotalInCents, string Currency, string PaymentId, DateTimeOffset ConfirmedAt);

/// <summary>order.cancelled.v1: the saga compensated; <see cref="Reason"/> is machine-readable, <see cref="Description"/> for people.</summary>
public sealed record OrderCancelledV1(string OrderId, string CustomerId, string Reason, string Description, DateTimeOffset CancelledAt);

/// <summary>Cancellation reasons the saga uses (free strings are accepted; these are the known ones).</summary>
public static class CancellationReasons
{
    public const string OutOfStock = "out-of-stock";
    public const string PaymentDeclined = "payment-declined";
    public const string PaymentTimedOut = "payment-timed-out";
    public const string InventoryTimedOut = "inventory-timed-out";
}

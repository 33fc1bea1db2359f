namespace AzureOrders.Contracts;

/// <summary>
/// The one place v1 order.placed becomes v2: consumers handle v2 only and accept both on the wire
/// during the migration. v1 carried no currency, so the configured default applies (the seed's shop is USD).
/// </summary>
public static class OrderPlacedUpcaster
{
    public const string DefaultCurrency = "USD";

    public static OrderPlacedV2 Upcast(OrderPlacedV1 v1, string currency = DefaultCurrency) =>
        new(v1.OrderId,
            v1.CustomerId,
            [.. v1.Items.Select(i => new OrderLineV2(i.Sku, i.Quantity, new Money(i.PriceInCents, currency)))],
            new Money(v1.TotalInCents, currency),
            ShippingAddress: null);

    /// <summary>Reads either version of an order.placed envelope as v2.</summary>
    public static OrderPlacedV2 ReadAsV2(Envelope envelope, string currency = DefaultCurrency) => envelope.EventType switch
    {
        MessageTypes.OrderPlacedV1 => Upcast(envelope.PayloadAs<OrderPlacedV1>(), currency),
        MessageTypes.OrderPlacedV2 => envelope.PayloadAs<OrderPlacedV2>(),
        _ => throw new ArgumentException($"{envelope.EventType} is not an order.placed version.", nameof(envelope)),
    };

    /// <summary>Downcast for producers configured to emit v1 (v1 consumers still exist): only possible without data loss rules, so currency is dropped.</summary>
    public static OrderPlacedV1 Downcast(OrderPlacedV2 v2) =>
        new(v2.OrderId, v2.CustomerId,
            [.. v2.Items.Select(i => new OrderLineV1(i.Sku, i.Quantity, i.UnitPrice.AmountInCents))],
            v2.Total.AmountInCents);
}

using System.Collections.Frozen;
using System.Text.Json.Serialization.Metadata;

namespace AzureOrders.Contracts;

public enum MessageKind { Event, Command }

/// <summary>What the code knows about one message type: its record, who owns it, and what it means.</summary>
/// <param name="Owner">For events the producing service; for commands the one service that executes it.</param>
public sealed record MessageDescriptor(
    string Type,
    MessageKind Kind,
    Type ClrType,
    JsonTypeInfo JsonTypeInfo,
    string Owner,
    string Description)
{
    /// <summary>Schema resource name, e.g. <c>order.placed.v1.schema.json</c>.</summary>
    public string SchemaName => $"{Type}.schema.json";
}

/// <summary>The registry of every contract; the topology and the event catalog document are checked against it.</summary>
public static class MessageCatalog
{
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;

    public static IReadOnlyList<MessageDescriptor> All { get; } =
    [
        new(MessageTypes.OrderPlacedV1, MessageKind.Event, typeof(OrderPlacedV1), Json.OrderPlacedV1, Services.Orders,
            "A customer placed an order (seed contract: lines with priceInCents, totalInCents). Starts the saga."),
        new(MessageTypes.OrderPlacedV2, MessageKind.Event, typeof(OrderPlacedV2), Json.OrderPlacedV2, Services.Orders,
            "A customer placed an order; money as amount + currency, optional shipping address. v1 is upcast to v2 on receive."),
        new(MessageTypes.OrderConfirmedV1, MessageKind.Event, typeof(OrderConfirmedV1), Json.OrderConfirmedV1, Services.Orders,
            "The order is fulfilled: stock held and payment captured."),
        new(MessageTypes.OrderCancelledV1, MessageKind.Event, typeof(OrderCancelledV1), Json.OrderCancelledV1, Services.Orders,
            "The order was cancelled after compensation; nothing is held or charged."),
        new(MessageTypes.InventoryReserveV1, MessageKind.Command, typeof(InventoryReserveV1), Json.InventoryReserveV1, Services.Inventory,
            "Hold every line of an order, all or nothing."),
        new(MessageTypes.InventoryReleaseV1, MessageKind.Command, typeof(InventoryReleaseV1), Json.InventoryReleaseV1, Services.Inventory,
            "Give back exactly what an order holds; a release before the reserve blocks the late reserve."),
        new(MessageTypes.InventoryReservedV1, MessageKind.Event, typeof(InventoryReservedV1), Json.InventoryReservedV1, Services.Inventory,
            "Every line of the order is held."),
        new(MessageTypes.InventoryReservationFailedV1, MessageKind.Event, typeof(InventoryReservationFailedV1), Json.InventoryReservationFailedV1, Services.Inventory,
            "The order could not be held; any partial hold was already released."),
        new(MessageTypes.InventoryReleasedV1, MessageKind.Event, typeof(InventoryReleasedV1), Json.InventoryReleasedV1, Services.Inventory,
            "What the order held went back to stock (the exact lines)."),
        new(MessageTypes.PaymentCaptureV1, MessageKind.Command, typeof(PaymentCaptureV1), Json.PaymentCaptureV1, Services.Payments,
            "Charge the order once (orderId is the idempotency key)."),
        new(MessageTypes.PaymentVoidV1, MessageKind.Command, typeof(PaymentVoidV1), Json.PaymentVoidV1, Services.Payments,
            "Make sure no money is kept for the order, whatever the payment state (refunds a capture)."),
        new(MessageTypes.PaymentRefundV1, MessageKind.Command, typeof(PaymentRefundV1), Json.PaymentRefundV1, Services.Payments,
            "Return a captured payment."),
        new(MessageTypes.PaymentCompletedV1, MessageKind.Event, typeof(PaymentCompletedV1), Json.PaymentCompletedV1, Services.Payments,
            "The payment was captured."),
        new(MessageTypes.PaymentFailedV1, MessageKind.Event, typeof(PaymentFailedV1), Json.PaymentFailedV1, Services.Payments,
            "Nothing was captured (declined, or voided before the capture)."),
        new(MessageTypes.PaymentVoidedV1, MessageKind.Event, typeof(PaymentVoidedV1), Json.PaymentVoidedV1, Services.Payments,
            "No money is held for the order any more (reply to payment.void)."),
        new(MessageTypes.PaymentRefundedV1, MessageKind.Event, typeof(PaymentRefundedV1), Json.PaymentRefundedV1, Services.Payments,
            "Captured money went back to the customer."),
        new(MessageTypes.PaymentRefundFailedV1, MessageKind.Event, typeof(PaymentRefundFailedV1), Json.PaymentRefundFailedV1, Services.Payments,
            "The gateway refused a refund: the payment stays captured and the refund is retried later (alert on it)."),
        new(MessageTypes.NotificationSentV1, MessageKind.Event, typeof(NotificationSentV1), Json.NotificationSentV1, Services.Notifications,
            "The customer was notified about the order."),
    ];

    private static readonly FrozenDictionary<string, MessageDescriptor> ByType =
        All.ToFrozenDictionary(d => d.Type, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, MessageDescriptor> ByClrType =
        All.ToFrozenDictionary(d => d.ClrType);

    public static bool TryGet(string type, out MessageDescriptor descriptor) =>
        ByType.TryGetValue(type, out descriptor!);

    public static MessageDescriptor Get(string type) =>
        ByType.TryGetValue(type, out var d) ? d : throw new KeyNotFoundException($"Unknown message type '{type}'.");

    public static MessageDescriptor For<T>() => For(typeof(T));

    public static MessageDescriptor For(Type clrType) =>
        ByClrType.TryGetValue(clrType, out var d) ? d : throw new KeyNotFoundException($"{clrType.Name} is not a registered contract.");
}

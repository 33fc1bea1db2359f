namespace AzureOrders.Contracts;

/// <summary>Every message type name, versioned in the name. Events are past tense, commands imperative.</summary>
public static class MessageTypes
{
    // Events: Orders
    public const string OrderPlacedV1 = "order.placed.v1";
    public const string OrderPlacedV2 = "order.placed.v2";
    public const string OrderConfirmedV1 = "order.confirmed.v1";
    public const string OrderCancelledV1 = "order.cancelled.v1";

    // Commands to Inventory and its replies
    public const string InventoryReserveV1 = "inventory.reserve.v1";
    public const string InventoryReleaseV1 = "inventory.release.v1";
    public const string InventoryReservedV1 = "inventory.reserved.v1";
    public const string InventoryReservationFailedV1 = "inventory.reservation-failed.v1";
    public const string InventoryReleasedV1 = "inventory.released.v1";

    // Commands to Payments and its replies
    public const string PaymentCaptureV1 = "payment.capture.v1";
    public const string PaymentVoidV1 = "payment.void.v1";
    public const string PaymentRefundV1 = "payment.refund.v1";
    public const string PaymentCompletedV1 = "payment.completed.v1";
    public const string PaymentFailedV1 = "payment.failed.v1";
    public const string PaymentVoidedV1 = "payment.voided.v1";
    public const string PaymentRefundedV1 = "payment.refunded.v1";
    public const string PaymentRefundFailedV1 = "payment.refund-failed.v1";

    // Events: Notifications
    public const string NotificationSentV1 = "notification.sent.v1";
}

/// <summary>Service names as they appear in <see cref="Envelope.Source"/> and in the topology's producer/consumer fields.</summary>
public static class Services
{
    public const string Orders = "orders";
    public const string Inventory = "inventory";
    public const string Payments = "payments";
    public const string Notifications = "notifications";
    public const string Saga = "saga";
}

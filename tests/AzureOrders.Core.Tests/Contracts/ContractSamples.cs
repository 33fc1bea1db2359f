using AzureOrders.Contracts;

namespace AzureOrders.Core.Tests.Contracts;

/// <summary>A valid payload of every contract type, for schema and catalog tests.</summary>
internal static class ContractSamples
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static object For(string type) => type switch
    {
        MessageTypes.OrderPlacedV1 => new OrderPlacedV1("ord_123", "cust_456", [new OrderLineV1("WIDGET-001", 2, 1999)], 3998),
        MessageTypes.OrderPlacedV2 => new OrderPlacedV2("ord_123", "cust_456", [new OrderLineV2("WIDGET-001", 2, new Money(1999, "USD"))],
            new Money(3998, "USD"), new ShippingAddress("Ada", "1 Main St", null, "Springfield", "12345", "US")),
        MessageTypes.OrderConfirmedV1 => new OrderConfirmedV1("ord_123", "cust_456", 3998, "USD", "pay_ord_123", At),
        MessageTypes.OrderCancelledV1 => new OrderCancelledV1("ord_123", "cust_456", CancellationReasons.OutOfStock, "WIDGET-001 is sold out", At),
        MessageTypes.InventoryReserveV1 => new InventoryReserveV1("ord_123", [new StockLine("WIDGET-001", 2)]),
        MessageTypes.InventoryReleaseV1 => new InventoryReleaseV1("ord_123", "payment-declined"),
        MessageTypes.InventoryReservedV1 => new InventoryReservedV1("ord_123", [new StockLine("WIDGET-001", 2)]),
        MessageTypes.InventoryReservationFailedV1 => new InventoryReservationFailedV1("ord_123", ReservationFailureReasons.OutOfStock, [new StockShortage("WIDGET-001", 2, 1)]),
        MessageTypes.InventoryReleasedV1 => new InventoryReleasedV1("ord_123", [new StockLine("WIDGET-001", 2)], "payment-declined"),
        MessageTypes.PaymentCaptureV1 => new PaymentCaptureV1("ord_123", "cust_456", 3998, "USD"),
        MessageTypes.PaymentVoidV1 => new PaymentVoidV1("ord_123", "saga timed out"),
        MessageTypes.PaymentRefundV1 => new PaymentRefundV1("ord_123", "order cancelled"),
        MessageTypes.PaymentCompletedV1 => new PaymentCompletedV1("ord_123", "pay_ord_123", 3998, "USD", "sim_abc"),
        MessageTypes.PaymentFailedV1 => new PaymentFailedV1("ord_123", "pay_ord_123", PaymentOutcomes.Declined, "insufficient_funds"),
        MessageTypes.PaymentVoidedV1 => new PaymentVoidedV1("ord_123", "pay_ord_123", PaymentOutcomes.NothingCaptured, 0, "saga timed out"),
        MessageTypes.PaymentRefundedV1 => new PaymentRefundedV1("ord_123", "pay_ord_123", 3998, "USD", "order cancelled"),
        MessageTypes.PaymentRefundFailedV1 => new PaymentRefundFailedV1("ord_123", "pay_ord_123", 3998, "USD", "ch_1", "refund_not_allowed", 1, "order cancelled"),
        MessageTypes.NotificationSentV1 => new NotificationSentV1("ord_123", "cust_456", "ntf_1", "order-placed", "email", MessageTypes.OrderPlacedV1, At),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "add a sample for the new contract"),
    };
}

using AzureOrders.Contracts;

namespace AzureOrders.Orders.Saga;

/// <summary>
/// What the saga starts with: everything it needs to send its commands, so no step reads the order back.
/// The timeouts and retry policy travel in the input (not in DI) because the orchestrator must be deterministic: a saga keeps
/// the timeouts it started with even if configuration changes while it runs.
/// </summary>
public sealed record SagaInput(
    string OrderId,
    string CustomerId,
    Guid CorrelationId,
    Guid PlacedEventId,
    IReadOnlyList<StockLine> Items,
    long TotalInCents,
    string Currency,
    SagaTimeouts Timeouts,
    SagaRetry Retry);

/// <summary>Outcome of a saga; the orchestration's output.</summary>
/// <param name="Outcome"><see cref="OrderStatus.Confirmed"/> or <see cref="OrderStatus.Cancelled"/>.</param>
/// <param name="Reason">Cancellation reason (<see cref="CancellationReasons"/> and the saga's own), null when confirmed.</param>
/// <param name="CompensationConfirmed">False when a release or void was sent but its reply never came (the command stays queued).</param>
public sealed record SagaResult(string OrderId, string Outcome, string? Reason, string? PaymentId, bool CompensationConfirmed = true);

/// <summary>Saga-specific cancellation reasons, next to the shared <see cref="CancellationReasons"/>.</summary>
public static class SagaCancellationReasons
{
    public const string UnknownSku = "unknown-sku";
    public const string InventoryUnreachable = "inventory-unreachable";
    public const string PaymentUnreachable = "payment-unreachable";
    public const string OrderNotConfirmable = "order-not-confirmable";
}

/// <summary>
/// The custom status (context.SetCustomStatus): where the saga is, the last reply it saw and until when it
/// waits. The order view or an admin endpoint reads it through the Durable client.
/// </summary>
public sealed record SagaStatus(string Step, string? LastEvent, DateTime? Deadline);

/// <summary>Step names in the custom status (display only; command ids come from <see cref="SagaCommandSteps"/>).</summary>
public static class SagaSteps
{
    public const string ReservingInventory = "reserving-inventory";
    public const string AwaitingInventory = "awaiting-inventory";
    public const string CapturingPayment = "capturing-payment";
    public const string AwaitingPayment = "awaiting-payment";
    public const string Confirming = "confirming";
    public const string ReleasingInventory = "releasing-inventory";
    public const string AwaitingRelease = "awaiting-release";
    public const string VoidingPayment = "voiding-payment";
    public const string AwaitingVoid = "awaiting-void";
    public const string Cancelling = "cancelling";
    /// <summary>The final step is the order's final status.</summary>
    public const string Confirmed = OrderStatus.Confirmed;
    public const string Cancelled = OrderStatus.Cancelled;
}

/// <summary>
/// Stable identifiers of the commands the saga sends, the input of their deterministic message ids
/// (<see cref="SagaCommandIds"/>). Frozen: changing a value changes the ids of messages already in flight, which would
/// then no longer deduplicate against their re-sends (a test pins today's ids).
/// </summary>
public static class SagaCommandSteps
{
    public const string ReserveInventory = "reserving-inventory";
    public const string CapturePayment = "capturing-payment";
    public const string ReleaseInventory = "releasing-inventory";
    public const string VoidPayment = "voiding-payment";
    public const string LateRefund = "late-refund";
}

/// <summary>
/// A reply from Inventory or Payments as the router raises it on the instance: only what the saga decides on,
/// so the history stays small.
/// </summary>
/// <param name="Reason">reservation-failed reason or payment.failed decline code.</param>
public sealed record SagaReply(string OrderId, string EventType, Guid EventId, string? Reason = null, string? PaymentId = null);

/// <summary>External event names. One name per wait, so a duplicate or late reply can never satisfy a different wait.</summary>
public static class SagaEvents
{
    public const string InventoryReservation = "InventoryReservation";
    public const string InventoryReleased = "InventoryReleased";
    public const string PaymentResult = "PaymentResult";
    public const string PaymentVoided = "PaymentVoided";

    /// <summary>The event a reply is raised as; false for replies the saga does not wait for (payment.refunded).</summary>
    public static bool TryMap(Envelope envelope, out string eventName, out SagaReply reply)
    {
        (eventName, reply) = envelope.EventType switch
        {
            MessageTypes.InventoryReservedV1 => (InventoryReservation,
                new SagaReply(envelope.PayloadAs<InventoryReservedV1>().OrderId, envelope.EventType, envelope.EventId)),
            MessageTypes.InventoryReservationFailedV1 => Failed(envelope.PayloadAs<InventoryReservationFailedV1>()),
            MessageTypes.InventoryReleasedV1 => (InventoryReleased,
                new SagaReply(envelope.PayloadAs<InventoryReleasedV1>().OrderId, envelope.EventType, envelope.EventId)),
            MessageTypes.PaymentCompletedV1 => Completed(envelope.PayloadAs<PaymentCompletedV1>()),
            MessageTypes.PaymentFailedV1 => PaymentFailed(envelope.PayloadAs<PaymentFailedV1>()),
            MessageTypes.PaymentVoidedV1 => Voided(envelope.PayloadAs<PaymentVoidedV1>()),
            _ => ("", null!),
        };
        return reply is not null;

        (string, SagaReply) Failed(InventoryReservationFailedV1 p) =>
            (InventoryReservation, new SagaReply(p.OrderId, envelope.EventType, envelope.EventId, p.Reason));
        (string, SagaReply) Completed(PaymentCompletedV1 p) =>
            (PaymentResult, new SagaReply(p.OrderId, envelope.EventType, envelope.EventId, null, p.PaymentId));
        (string, SagaReply) PaymentFailed(PaymentFailedV1 p) =>
            (PaymentResult, new SagaReply(p.OrderId, envelope.EventType, envelope.EventId, p.DeclineCode ?? p.Reason, p.PaymentId));
        (string, SagaReply) Voided(PaymentVoidedV1 p) =>
            (PaymentVoided, new SagaReply(p.OrderId, envelope.EventType, envelope.EventId, p.Outcome, p.PaymentId));
    }
}

namespace AzureOrders.Contracts;

/// <summary>payment.capture.v1 (command, saga -> Payments): charge the order once; orderId is the idempotency key.</summary>
public sealed record PaymentCaptureV1(string OrderId, string CustomerId, long AmountInCents, string Currency);

/// <summary>
/// payment.void.v1 (command, saga -> Payments): the saga gives up on the payment whatever its state.
/// No payment yet: a tombstone makes a late capture fail. Captured: the money is refunded.
/// Replies payment.voided.v1 in every case (plus payment.refunded.v1 when money went back).
/// </summary>
public sealed record PaymentVoidV1(string OrderId, string Reason);

/// <summary>payment.refund.v1 (command, saga -> Payments): return a captured payment (e.g. payment.completed arrived after the saga cancelled).</summary>
public sealed record PaymentRefundV1(string OrderId, string Reason);

/// <summary>payment.completed.v1: the money is captured.</summary>
public sealed record PaymentCompletedV1(string OrderId, string PaymentId, long AmountInCents, string Currency, string GatewayReference);

/// <summary>payment.failed.v1: nothing was captured. <see cref="Reason"/>: declined, voided (the saga voided first) or invalid-amount.</summary>
public sealed record PaymentFailedV1(string OrderId, string PaymentId, string Reason, string? DeclineCode);

/// <summary>
/// payment.voided.v1: no money is held for the order any more. <see cref="Outcome"/>: nothing-captured
/// (void before or after a failed capture) or refunded (a capture was reversed; <see cref="RefundedInCents"/> says how much).
/// </summary>
public sealed record PaymentVoidedV1(string OrderId, string PaymentId, string Outcome, long RefundedInCents, string Reason);

/// <summary>payment.refunded.v1: captured money went back to the customer (0 when nothing had been captured).</summary>
public sealed record PaymentRefundedV1(string OrderId, string PaymentId, long AmountInCents, string Currency, string Reason);

/// <summary>
/// payment.refund-failed.v1: the gateway refused to give captured money back. The payment stays CAPTURED (the
/// money is still held) and Payments retries the refund later; every refusal is published, so an alert or an
/// operator can act while the retries go on. <see cref="Attempt"/> counts the refusals of this payment's refund.
/// </summary>
public sealed record PaymentRefundFailedV1(string OrderId, string PaymentId, long AmountInCents, string Currency, string GatewayReference,
    string? DeclineCode, int Attempt, string Reason);

public static class PaymentOutcomes
{
    public const string NothingCaptured = "nothing-captured";
    public const string Refunded = "refunded";
    public const string Declined = "declined";
    public const string Voided = "voided";
}

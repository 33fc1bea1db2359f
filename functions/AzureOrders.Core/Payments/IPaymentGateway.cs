namespace AzureOrders.Payments;

/// <param name="IdempotencyKey">The gateway returns the first result again for a repeated key: a redelivered capture never charges twice.</param>
public sealed record CaptureRequest(string IdempotencyKey, string CustomerId, long AmountInCents, string Currency);

public sealed record RefundRequest(string IdempotencyKey, string GatewayReference, long AmountInCents, string Currency);

public sealed record GatewayResult(bool Approved, string Reference, string? DeclineCode);

/// <summary>
/// The payment provider. Transient trouble is thrown (TransientFailureException, timeouts, HTTP errors):
/// the message is redelivered. A decline is a result, not an exception.
/// </summary>
public interface IPaymentGateway
{
    Task<GatewayResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken);
    Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);
}

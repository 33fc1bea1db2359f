using AzureOrders.Payments;

namespace AzureOrders.Testing;

/// <summary>
/// The simulator, except that the first <paramref name="refusals"/> refunds are refused (Approved = false, as a gateway
/// answers for a refund it will not make) before they reach it; captures pass through unchanged.
/// </summary>
public sealed class RefundRefusingGateway(SimulatedPaymentGateway inner, int refusals) : IPaymentGateway
{
    public const string DeclineCode = "refund_not_allowed";
    private int _left = refusals;
    private readonly List<string> _refusedKeys = [];

    /// <summary>Idempotency keys of the refused refunds, in order.</summary>
    public IReadOnlyList<string> RefusedKeys { get { lock (_refusedKeys) return [.. _refusedKeys]; } }

    public Task<GatewayResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken) => inner.CaptureAsync(request, cancellationToken);

    public Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _left) >= 0)
        {
            lock (_refusedKeys) _refusedKeys.Add(request.IdempotencyKey);
            return Task.FromResult(new GatewayResult(false, $"re_refused_{request.IdempotencyKey}", DeclineCode));
        }
        return inner.RefundAsync(request, cancellationToken);
    }
}

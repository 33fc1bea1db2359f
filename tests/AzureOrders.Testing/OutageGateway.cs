using AzureOrders.Messaging;
using AzureOrders.Payments;

namespace AzureOrders.Testing;

/// <summary>A payment gateway behind a switch that makes every call fail as a provider outage does (transiently).</summary>
public sealed class OutageGateway
{
    private int _failed;

    public volatile bool Failing;

    /// <summary>Calls that reached the gateway during the outage.</summary>
    public int FailedCalls => Volatile.Read(ref _failed);

    public IPaymentGateway Over(IPaymentGateway inner) => new Switched(this, inner);

    private Task<GatewayResult>? Fail()
    {
        if (!Failing) return null;
        Interlocked.Increment(ref _failed);
        return Task.FromException<GatewayResult>(new TransientFailureException("injected: payment provider outage"));
    }

    private sealed class Switched(OutageGateway outage, IPaymentGateway inner) : IPaymentGateway
    {
        public Task<GatewayResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken) =>
            outage.Fail() ?? inner.CaptureAsync(request, cancellationToken);

        public Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
            outage.Fail() ?? inner.RefundAsync(request, cancellationToken);
    }
}

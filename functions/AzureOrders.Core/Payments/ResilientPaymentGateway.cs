using AzureOrders.Messaging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AzureOrders.Payments;

public sealed record GatewayResilienceOptions
{
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 5;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Timeout + circuit breaker around the gateway (DESIGN: event storms). When the gateway keeps failing,
/// calls fail fast with BrokenCircuitException (classified transient), so messages go back to the broker
/// with backoff instead of piling slow calls on a sick dependency. No retries here: redelivery is the retry.
/// </summary>
public sealed class ResilientPaymentGateway : IPaymentGateway
{
    private readonly IPaymentGateway _inner;
    private readonly ResiliencePipeline _pipeline;

    public ResilientPaymentGateway(IPaymentGateway inner, TimeProvider time, GatewayResilienceOptions? options = null)
    {
        options ??= new GatewayResilienceOptions();
        _inner = inner;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                // Declines are answers, not failures; only faults of the dependency open the circuit.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFaults.IsTransient),
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    public Task<GatewayResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await _inner.CaptureAsync(request, ct), cancellationToken).AsTask();

    public Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async ct => await _inner.RefundAsync(request, ct), cancellationToken).AsTask();

    /// <summary>Exceptions this decorator adds, both transient by <see cref="TransientFaults"/>.</summary>
    public static bool IsResilienceRejection(Exception e) => e is BrokenCircuitException or TimeoutRejectedException;
}

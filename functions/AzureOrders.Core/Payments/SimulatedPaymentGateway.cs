using System.Collections.Concurrent;
using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Payments;

public sealed record GatewaySimulatorOptions
{
    /// <summary>Added to every call (use a TimeProvider that can be advanced in tests).</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>How many times a "flaky" customer's call fails transiently before it succeeds.</summary>
    public int FlakyFailures { get; set; } = 2;

    /// <summary>Amounts above this are declined (amount_limit).</summary>
    public long LimitInCents { get; set; } = 1_000_000_00;
}

/// <summary>
/// Deterministic stand-in for a card gateway (the default everywhere but production):
/// - customerId containing "decline", or an amount ending in 13 cents: declined (card_declined);
/// - amount above the limit: declined (amount_limit);
/// - customerId containing "flaky": the first FlakyFailures calls per idempotency key fail transiently;
/// - customerId containing "slow": ten times the configured latency;
/// - results are remembered per idempotency key, as real gateways do, so retries never charge twice.
/// </summary>
public sealed class SimulatedPaymentGateway(TimeProvider time, GatewaySimulatorOptions? options = null) : IPaymentGateway
{
    private readonly GatewaySimulatorOptions _options = options ?? new GatewaySimulatorOptions();
    private readonly ConcurrentDictionary<string, GatewayResult> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _captured = new(StringComparer.Ordinal);

    /// <summary>Money currently held per capture reference (captures minus refunds): what a customer was really charged.</summary>
    public IReadOnlyDictionary<string, long> Captured => _captured;

    /// <summary>Calls that reached the gateway, including repeats and transient failures.</summary>
    public int Calls => _attempts.Values.Sum();

    public async Task<GatewayResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken)
    {
        await SimulateAsync(request.IdempotencyKey, request.CustomerId, cancellationToken);
        return _results.GetOrAdd(request.IdempotencyKey, key =>
        {
            var reference = Reference("ch", key);
            if (request.CustomerId.Contains("decline", StringComparison.OrdinalIgnoreCase) || request.AmountInCents % 100 == 13)
                return new GatewayResult(false, reference, "card_declined");
            if (request.AmountInCents > _options.LimitInCents)
                return new GatewayResult(false, reference, "amount_limit");
            _captured[reference] = request.AmountInCents;
            return new GatewayResult(true, reference, null);
        });
    }

    public async Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        await SimulateAsync(request.IdempotencyKey, "", cancellationToken);
        return _results.GetOrAdd(request.IdempotencyKey, key =>
        {
            _captured.AddOrUpdate(request.GatewayReference, 0, (_, held) => Math.Max(0, held - request.AmountInCents));
            return new GatewayResult(true, Reference("re", key), null);
        });
    }

    private async Task SimulateAsync(string key, string customerId, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var latency = customerId.Contains("slow", StringComparison.OrdinalIgnoreCase) ? _options.Latency * 10 : _options.Latency;
        if (latency > TimeSpan.Zero) await Task.Delay(latency, time, cancellationToken);
        if (customerId.Contains("flaky", StringComparison.OrdinalIgnoreCase) && attempt <= _options.FlakyFailures)
            throw new TransientFailureException($"simulated gateway fault {attempt}/{_options.FlakyFailures} for {key}");
    }

    private static string Reference(string prefix, string key) =>
        $"{prefix}_{DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"gateway|{key}"):N}";
}

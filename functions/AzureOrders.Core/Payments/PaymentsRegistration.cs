using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AzureOrders.Payments;

/// <summary>Section <c>Payments</c>: which gateway charges cards, how the simulator behaves, and the breaker around the gateway.</summary>
public sealed record PaymentsOptions
{
    public const string Section = "Payments";
    public const string SimulatorGateway = "Simulator";

    /// <summary>
    /// Required, never defaulted: a deployment that forgot it must not charge cards with a simulator. The template
    /// ships only <see cref="SimulatorGateway"/>; a real provider is another <see cref="IPaymentGateway"/>.
    /// </summary>
    public string? Gateway { get; set; }

    public GatewaySimulatorOptions Simulator { get; set; } = new();

    public GatewayResilienceOptions Resilience { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Gateway))
            yield return $"{Section}:Gateway is not set. Set it to '{SimulatorGateway}' to use the deterministic payment simulator explicitly " +
                         "(this template ships no real gateway; add one behind IPaymentGateway and register it).";
        else if (!string.Equals(Gateway, SimulatorGateway, StringComparison.OrdinalIgnoreCase))
            yield return $"{Section}:Gateway '{Gateway}' is unknown; the only gateway built in is '{SimulatorGateway}'.";
        if (Resilience.Timeout <= TimeSpan.Zero) yield return $"{Section}:Resilience:Timeout must be positive, not {Resilience.Timeout}.";
        if (Resilience.BreakDuration <= TimeSpan.Zero) yield return $"{Section}:Resilience:BreakDuration must be positive, not {Resilience.BreakDuration}.";
        if (Resilience.FailureRatio is <= 0 or > 1) yield return $"{Section}:Resilience:FailureRatio must be in (0, 1], not {Resilience.FailureRatio}.";
        if (Simulator.Latency < TimeSpan.Zero) yield return $"{Section}:Simulator:Latency must not be negative, not {Simulator.Latency}.";
    }

    /// <summary>What start-up logs about the choice.</summary>
    public string Describe() =>
        $"payment gateway: {Gateway} (simulated: declines, transient faults and slowness by customer id; latency {Simulator.Latency.TotalMilliseconds} ms), " +
        $"timeout {Resilience.Timeout.TotalSeconds} s, breaker open {Resilience.BreakDuration.TotalSeconds} s";
}

public static class PaymentsRegistration
{
    /// <summary>
    /// The Payments service: one payment per order, the capture/void/refund commands and the order.cancelled backstop
    /// (consumer "payments": queue payment-commands, subscription orders/payments), the gateway
    /// chosen by <see cref="PaymentsOptions.Gateway"/> behind its timeout and circuit breaker.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PaymentsOptions>(configuration, PaymentsOptions.Section, o => o.Problems());
        services.AddCosmosDocuments(PaymentsJsonContext.Default);
        services.TryAddSingleton<PaymentStore>();
        services.TryAddSingleton(sp => new SimulatedPaymentGateway(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.Simulator));
        // Reading the options validates them: an unset gateway fails here (and at host start), never silently.
        services.TryAddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.Gateway is not null
            ? sp.GetRequiredService<SimulatedPaymentGateway>()
            : throw new InvalidOperationException($"{PaymentsOptions.Section}:Gateway is not set."));
        // Whatever the gateway, the handlers call it through the timeout and circuit breaker.
        services.TryAddSingleton(sp => new ResilientPaymentGateway(sp.GetRequiredService<IPaymentGateway>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PaymentsOptions>>().Value.Resilience));
        services.TryAddSingleton<PaymentRefunds>();
        services.AddMessageHandler<CapturePaymentHandler>(Services.Payments);
        services.AddMessageHandler<VoidPaymentHandler>(Services.Payments);
        services.AddMessageHandler<RefundPaymentHandler>(Services.Payments);
        services.AddMessageHandler<OrderCancelledRefundHandler>(Services.Payments);
        return services;
    }
}

using AzureOrders.Messaging;
using AzureOrders.Payments;
using Polly.CircuitBreaker;

namespace AzureOrders.Core.Tests.Payments;

public class GatewayTests
{
    [Fact]
    public async Task The_simulator_is_deterministic_and_idempotent_per_key()
    {
        var gateway = new SimulatedPaymentGateway(TimeProvider.System);

        var approved = await gateway.CaptureAsync(new CaptureRequest("ord_1", "cust_1", 3998, "USD"), default);
        var again = await gateway.CaptureAsync(new CaptureRequest("ord_1", "cust_1", 3998, "USD"), default);
        var declinedByCustomer = await gateway.CaptureAsync(new CaptureRequest("ord_2", "cust_decline", 100, "USD"), default);
        var declinedByAmount = await gateway.CaptureAsync(new CaptureRequest("ord_3", "cust_1", 1013, "USD"), default);
        var overLimit = await gateway.CaptureAsync(new CaptureRequest("ord_4", "cust_1", 1_000_000_01, "USD"), default);

        Assert.True(approved.Approved);
        Assert.Equal(approved, again);
        Assert.Equal(3998, Assert.Single(gateway.Captured).Value);
        Assert.Equal("card_declined", declinedByCustomer.DeclineCode);
        Assert.Equal("card_declined", declinedByAmount.DeclineCode);
        Assert.Equal("amount_limit", overLimit.DeclineCode);
    }

    [Fact]
    public async Task The_simulator_fails_a_flaky_customer_transiently_then_succeeds()
    {
        var gateway = new SimulatedPaymentGateway(TimeProvider.System, new GatewaySimulatorOptions { FlakyFailures = 2 });
        var request = new CaptureRequest("ord_f", "cust_flaky", 100, "USD");
        var e1 = await Assert.ThrowsAsync<TransientFailureException>(() => gateway.CaptureAsync(request, default));
        await Assert.ThrowsAsync<TransientFailureException>(() => gateway.CaptureAsync(request, default));
        Assert.True((await gateway.CaptureAsync(request, default)).Approved);
        Assert.True(TransientFaults.IsTransient(e1));
    }

    [Fact]
    public async Task The_simulator_waits_its_latency_on_the_given_clock()
    {
        var gateway = new SimulatedPaymentGateway(TimeProvider.System, new GatewaySimulatorOptions { Latency = TimeSpan.FromMilliseconds(40) });
        var started = TimeProvider.System.GetTimestamp();
        await gateway.CaptureAsync(new CaptureRequest("ord_s", "cust_slow", 100, "USD"), default); // "slow": ten times the latency
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(390));
    }

    [Fact]
    public async Task When_the_gateway_keeps_failing_the_circuit_opens_and_calls_fail_fast_as_transient()
    {
        var inner = new SimulatedPaymentGateway(TimeProvider.System, new GatewaySimulatorOptions { FlakyFailures = int.MaxValue });
        var gateway = new ResilientPaymentGateway(inner, TimeProvider.System, new GatewayResilienceOptions { MinimumThroughput = 3, FailureRatio = 0.5 });

        for (var i = 0; i < 3; i++)
            await Assert.ThrowsAsync<TransientFailureException>(() => gateway.CaptureAsync(new CaptureRequest($"ord_{i}", "cust_flaky", 100, "USD"), default));
        var callsBefore = inner.Calls;
        var open = await Assert.ThrowsAsync<BrokenCircuitException>(() => gateway.CaptureAsync(new CaptureRequest("ord_x", "cust_flaky", 100, "USD"), default));

        Assert.Equal(callsBefore, inner.Calls); // the sick gateway was not called
        Assert.True(TransientFaults.IsTransient(open));
    }
}

using AzureOrders.Contracts;
using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Demo;
using AzureOrders.LocalHost.Faults;
using AzureOrders.Orders;
using AzureOrders.Payments;
using AzureOrders.Orders.Saga;
using Xunit.Abstractions;

namespace AzureOrders.Reliability.Tests;

/// <summary>
/// Its own system: a gateway slower than the saga's payment timeout for "slow" customers, under a concurrent load.
/// Those sagas time out and compensate; the capture then succeeds late and its reply must be refunded, so no
/// cancelled order keeps money. Prompt payments normally confirm, but on a loaded machine their round trip can
/// outlast the timeout too; either way the invariants must hold, so their count is printed, not asserted.
/// </summary>
public sealed class SagaTimeoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task When_payments_answer_after_the_saga_timed_out_the_orders_are_cancelled_and_the_late_captures_refunded()
    {
        var faults = new FaultInjector();
        await using var system = await LocalSystem.StartAsync(new LocalSystemOptions
        {
            Port = 0,
            GatewayLatency = TimeSpan.FromMilliseconds(400), // "slow" customers: 4 s, twice the payment timeout
            Saga = new SagaOptions { Timeouts = new SagaTimeouts { Payment = TimeSpan.FromSeconds(2) } },
            Faults = faults,
            // Injected faults make the host log every crash and 503 it meets; the tests print their own figures instead.
            Configuration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Error", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Critical" },
        });
        var gateway = (SimulatedPaymentGateway)system.Get<AzureOrders.Payments.IPaymentGateway>();
        var run = Guid.NewGuid().ToString("N")[..8];
        var orders = Enumerable.Range(0, 80)
            .Select(i => new DemoOrder($"late_{run}_{i:D3}", i % 2 == 0 ? $"cust_slow_{i}" : $"cust_{i}", i % 2 == 0 ? DemoScenario.SlowPayment : DemoScenario.Happy,
                [("WIDGET-001", 1, 1999)]))
            .ToList();

        var result = await new OrderFlow(system, faults).RunAsync(orders, TimeSpan.FromMinutes(3), concurrency: 40, settle: async finals =>
        {
            // Late captures land up to a few seconds after the cancellation; wait (with a deadline) for their refunds.
            var confirmed = orders.Where(o => finals.TryGetValue(o.OrderId, out var v) && v.Status == OrderStatus.Confirmed).Sum(o => o.TotalInCents);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (gateway.Captured.Values.Sum() != confirmed && DateTime.UtcNow < deadline) await Task.Delay(TimeSpan.FromMilliseconds(250));
        });

        var slow = orders.Where(o => o.Scenario == DemoScenario.SlowPayment).Select(o => result.Finals[o.OrderId]).ToList();
        var refunded = result.Finals.Values.Count(v => v.Timeline.Any(t => t.EventType == AzureOrders.Contracts.MessageTypes.PaymentRefundedV1));
        output.WriteLine(result.Summary);
        output.WriteLine($"slow payments: {slow.Count(v => v.Status == OrderStatus.Cancelled)} of {slow.Count} cancelled " +
            $"({string.Join(", ", slow.GroupBy(v => v.CancellationReason ?? v.Status).Select(g => $"{g.Key} {g.Count()}"))}); orders with a refund in their timeline: {refunded}; gateway calls {gateway.Calls}");
        foreach (var invariant in result.Invariants)
            output.WriteLine($"  [{(invariant.Holds ? "ok" : "FAILED")}] {invariant.Invariant}: {invariant.Detail}");

        Assert.Equal(orders.Count, result.Finals.Count);
        Assert.All(slow, v => Assert.Equal(OrderStatus.Cancelled, v.Status));
        Assert.True(result.Invariants.All(i => i.Holds), result.FailedInvariants);
    }
}

using AzureOrders.Orders.Saga;
using System.Diagnostics;
using AzureOrders.Contracts;
using AzureOrders.Testing;
using Xunit.Abstractions;

namespace AzureOrders.Saga.Tests;

[Collection(SagaCollection.Name)]
public sealed class SagaLoadTests(CosmosServerFixture fixture, ITestOutputHelper output)
{
    private const int Orders = 200;

    private enum Expect { Confirmed, Unstocked, Declined, PaymentTimeout }

    [Fact]
    public async Task When_200_sagas_run_at_once_with_mixed_outcomes_every_order_ends_final_and_every_invariant_holds()
    {
        // Timeouts with room for a slow shared machine: only the held captures may time out.
        var options = SagaHarness.FastOptions(payment: TimeSpan.FromSeconds(30));
        await using var harness = await SagaHarness.StartAsync(fixture, options with { Timeouts = options.Timeouts with { Reservation = TimeSpan.FromSeconds(90) } });
        var plan = Enumerable.Range(0, Orders).Select(i => (OrderId: $"ord_load_{i:D3}", Expect: (i % 10) switch
        {
            0 => Expect.Unstocked,
            1 or 2 => Expect.Declined,
            3 => Expect.PaymentTimeout,
            _ => Expect.Confirmed,
        })).ToList();
        var timeouts = plan.Where(p => p.Expect == Expect.PaymentTimeout).Select(p => p.OrderId).ToHashSet();
        // Payments never gets these captures while the sagas run (a stuck partition, say).
        harness.Bus.Route = (_, m) => m.Subject == MessageTypes.PaymentCaptureV1 && timeouts.Contains(m.Envelope.Payload.GetProperty("orderId").GetString()!)
            ? Delivery.Hold : Delivery.Deliver;
        string[] skus = ["WIDGET-001", "GADGET-002", "GIZMO-003", "DOOHICKEY-004", "SPROCKET-005"];

        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var placedAt = TimeSpan.Zero;
        await Parallel.ForEachAsync(plan.Select((p, i) => (p, i)), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (x, _) =>
        {
            var (p, i) = x;
            var customer = p.Expect == Expect.Declined ? $"cust_decline_{i}" : $"cust_{i}";
            var lines = p.Expect switch
            {
                Expect.Unstocked => new[] { (skus[i % 5], 1), (SagaHarness.Discontinued, 1) },
                _ => [(skus[i % 5], 1 + i % 3), (skus[(i + 2) % 5], 1)],
            };
            await harness.PlaceAsync(p.OrderId, customer, lines);
        });
        placedAt = clock.Elapsed;
        var results = new Dictionary<string, SagaResult>();
        foreach (var p in plan) results[p.OrderId] = await harness.CompletionAsync(p.OrderId, TimeSpan.FromSeconds(120));
        clock.Stop();
        output.WriteLine($"processors: {Environment.ProcessorCount}; Durable work items at once: {harness.Backend.MaxConcurrentWorkItems}");
        // The held captures wait out the payment timeout; the other sagas' own wall time says more about throughput.
        var others = await Task.WhenAll(plan.Where(p => p.Expect != Expect.PaymentTimeout).Select(p => SagaProgress.ReadAsync(harness.Client, p.OrderId)));
        output.WriteLine($"the {others.Length} sagas without a held capture were final after {(others.Max(p => p!.LastUpdatedAt) - startedAt).TotalSeconds:F1} s");
        output.WriteLine($"{Orders} sagas reached a final state in {clock.Elapsed.TotalSeconds:F1} s (wall time, place to last completion; all placed after {placedAt.TotalSeconds:F1} s)");

        output.WriteLine(string.Join(", ", results.Values.GroupBy(r => r.Reason ?? r.Outcome).Select(g => $"{g.Key}: {g.Count()}")));
        // The held captures finally reach Payments: each fails on the void's tombstone; nothing is charged.
        harness.Bus.Route = (_, _) => Delivery.Deliver;
        Assert.Equal(timeouts.Count, harness.Bus.ReleaseHeld((_, m) => m.Subject == MessageTypes.PaymentCaptureV1));
        await Invariants.AssertAsync(harness, [.. plan.Select(p => p.OrderId)]);

        foreach (var (orderId, expect) in plan)
        {
            var result = results[orderId];
            switch (expect)
            {
                case Expect.Confirmed: Assert.Equal(OrderStatus.Confirmed, result.Outcome); break;
                case Expect.Unstocked: Assert.Equal(SagaCancellationReasons.UnknownSku, result.Reason); break;
                case Expect.Declined: Assert.Equal(CancellationReasons.PaymentDeclined, result.Reason); break;
                case Expect.PaymentTimeout: Assert.Equal(CancellationReasons.PaymentTimedOut, result.Reason); break;
            }
        }
    }
}

using AzureOrders.Contracts;
using AzureOrders.LocalHost.Demo;
using AzureOrders.Orders;
using Xunit.Abstractions;

namespace AzureOrders.Reliability.Tests;

/// <summary>
/// The demo's realistic mix (happy, stock-outs, declines, flaky and slow gateways) under duplicated delivery, crashes
/// at each step and transient faults, at issue 10's sizes (1,000 orders duplicated, 500 with crashes); see docs/reliability.md.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FaultTests(SystemFixture fixture, ITestOutputHelper output)
{
    private const int DuplicatedOrders = 1000;
    private const int CrashedOrders = 500;
    private const int FaultedOrders = 200;
    /// <summary>Orders placed and not yet ended at once (a closed loop; see <see cref="OrderFlow.RunAsync"/>).</summary>
    private const int OpenOrders = 150;

    private OrderFlow Flow => new(fixture.System, fixture.Faults);

    [Fact]
    public async Task When_every_message_is_delivered_one_to_three_times_the_outcome_equals_single_delivery()
    {
        // Same orders twice from the same stock: once delivered once each, once with 1-3 deliveries per message.
        // Everyday SKUs get ten times their stock so that only the scarce SKU's orders depend on timing.
        await fixture.System.Get<AzureOrders.Inventory.StockLedger>().SeedAsync(Stock(), CancellationToken.None);
        var single = await Flow.RunAsync(DemoOrders.Create(DuplicatedOrders, seed: 11, runId: $"dup1_{RunId()}"), TimeSpan.FromMinutes(10), maxOpenOrders: OpenOrders);
        await fixture.System.Get<AzureOrders.Inventory.StockLedger>().SeedAsync(Stock(), CancellationToken.None);
        fixture.Faults.MaxExtraDeliveries = 2;
        var before = fixture.Faults.Counters;
        var duplicated = await Flow.RunAsync(DemoOrders.Create(DuplicatedOrders, seed: 11, runId: $"dup3_{RunId()}"), TimeSpan.FromMinutes(10), maxOpenOrders: OpenOrders);
        var after = fixture.Faults.Counters;

        output.WriteLine($"single delivery: {single.Summary}");
        output.WriteLine($"1-3 deliveries:  {duplicated.Summary}; extra deliveries {after.ExtraDeliveries - before.ExtraDeliveries}");
        Report(duplicated);
        Assert.True(after.ExtraDeliveries - before.ExtraDeliveries > DuplicatedOrders, "duplicates were delivered");
        Assert.True(single.Invariants.All(i => i.Holds), single.FailedInvariants);
        Assert.True(duplicated.Invariants.All(i => i.Holds), duplicated.FailedInvariants);
        Assert.Empty(duplicated.NewDeadLetters);

        // Per order (by position in the seeded mix): same final status, reason and timeline. Which stock-out orders
        // win the scarce SKU depends on timing, so those compare by count.
        var differences = new List<string>();
        var mix = DemoOrders.Create(DuplicatedOrders, seed: 11, runId: "x");
        var singleViews = single.Finals.Values.ToDictionary(v => Index(v.OrderId));
        var duplicatedViews = duplicated.Finals.Values.ToDictionary(v => Index(v.OrderId));
        for (var i = 0; i < DuplicatedOrders; i++)
        {
            if (mix[i].Scenario == DemoScenario.StockOut) continue;
            var (a, b) = (singleViews[i], duplicatedViews[i]);
            if (a.Status != b.Status || a.CancellationReason != b.CancellationReason || !Timeline(a).SequenceEqual(Timeline(b)))
                differences.Add($"#{i}: {a.Status}/{a.CancellationReason} [{string.Join(",", Timeline(a))}] vs {b.Status}/{b.CancellationReason} [{string.Join(",", Timeline(b))}]");
        }
        int Scarce(FlowResult r, string status) => Enumerable.Range(0, DuplicatedOrders).Count(i => mix[i].Scenario == DemoScenario.StockOut && (r == single ? singleViews : duplicatedViews)[i].Status == status);
        output.WriteLine($"stock-out orders confirmed: {Scarce(single, OrderStatus.Confirmed)} single vs {Scarce(duplicated, OrderStatus.Confirmed)} duplicated; per-order differences: {differences.Count}");
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences.Take(10)));
        Assert.Equal(Scarce(single, OrderStatus.Confirmed), Scarce(duplicated, OrderStatus.Confirmed));
    }

    [Fact]
    public async Task When_the_process_crashes_after_the_state_write_after_publishing_or_before_settling_no_order_is_lost()
    {
        fixture.Faults.CrashAfterStateWriteRate = 0.1;
        fixture.Faults.CrashAfterPublishRate = 0.1;
        fixture.Faults.CrashBeforeSettleRate = 0.1;
        var before = fixture.Faults.Counters;
        var bySourceBefore = fixture.Faults.PublishCrashesBySource;
        var result = await Flow.RunAsync(DemoOrders.Create(CrashedOrders, seed: 21, runId: $"crash_{RunId()}"), TimeSpan.FromMinutes(8), maxOpenOrders: OpenOrders);
        var after = fixture.Faults.Counters;
        var bySource = fixture.Faults.PublishCrashesBySource.ToDictionary(p => p.Key, p => p.Value - bySourceBefore.GetValueOrDefault(p.Key));

        output.WriteLine(result.Summary);
        output.WriteLine($"Cosmos requests per order: {result.CosmosRequests}");
        output.WriteLine($"crashes: after state write {after.CrashesAfterStateWrite - before.CrashesAfterStateWrite}, after publish {after.CrashesAfterPublish - before.CrashesAfterPublish}, " +
            $"before settle {after.CrashesBeforeSettle - before.CrashesBeforeSettle}; publish crashes by publisher: {string.Join(", ", bySource.Select(p => $"{p.Key} {p.Value}"))} (saga = inside activities)");
        Report(result);
        Assert.True(after.CrashesAfterStateWrite > before.CrashesAfterStateWrite, "crashes after the state write were injected");
        Assert.True(after.CrashesAfterPublish > before.CrashesAfterPublish, "crashes after publishing were injected");
        Assert.True(after.CrashesBeforeSettle > before.CrashesBeforeSettle, "crashes before settling were injected");
        Assert.True(bySource.GetValueOrDefault(AzureOrders.Contracts.Services.Saga) > 0, "crashes inside saga activities were injected");
        Assert.True(result.Invariants.All(i => i.Holds), result.FailedInvariants);
        Assert.Empty(result.NewDeadLetters); // 0 lost events: no good message gave up
    }

    [Fact]
    public async Task When_Cosmos_throttles_and_Service_Bus_is_busy_one_time_in_five_every_order_still_ends()
    {
        fixture.Faults.CosmosFaultRate = 0.2;
        fixture.Faults.ServiceBusBusyRate = 0.2;
        var before = fixture.Faults.Counters;
        var result = await Flow.RunAsync(DemoOrders.Create(FaultedOrders, seed: 31, runId: $"transient_{RunId()}"), TimeSpan.FromMinutes(6));
        var after = fixture.Faults.Counters;

        var completedAt = after.CompletedAtDelivery.ToDictionary(p => p.Key, p => p.Value - before.CompletedAtDelivery.GetValueOrDefault(p.Key));
        var sends = after.SendAttempts.ToDictionary(p => p.Key, p => p.Value - before.SendAttempts.GetValueOrDefault(p.Key));
        output.WriteLine(result.Summary);
        output.WriteLine($"injected: Cosmos 429 {after.Cosmos429 - before.Cosmos429}, 503 {after.Cosmos503 - before.Cosmos503}, ServerBusy {after.ServerBusy - before.ServerBusy}");
        output.WriteLine($"retry distribution, messages completed at try n (deliveries + delayed retries): {string.Join(", ", completedAt.Where(p => p.Value > 0).Select(p => $"{p.Key}: {p.Value}"))}");
        output.WriteLine($"send attempts per publish: {string.Join(", ", sends.Where(p => p.Value > 0).Select(p => $"{p.Key}: {p.Value}"))}");
        Report(result);
        Assert.True(after.Cosmos429 + after.Cosmos503 > before.Cosmos429 + before.Cosmos503 && after.ServerBusy > before.ServerBusy, "faults were injected");
        Assert.True(result.Invariants.All(i => i.Holds), result.FailedInvariants);
        Assert.Empty(result.NewDeadLetters);
        // Retried in delivery first, then by delayed retries: some messages needed a second try, none needed all eleven
        // (the original plus MaxRetries 10), and nothing was dead-lettered (above).
        Assert.True(completedAt.Where(p => p.Value > 0).Max(p => p.Key) is > 1 and <= 11, "tries per message within (1, 11]");
    }

    [Fact]
    public async Task When_200_orders_race_for_50_units_of_one_SKU_exactly_50_are_confirmed()
    {
        const string Sku = "GIZMO-003";
        var (catalog, ledger, gateway) = (fixture.System.Get<AzureOrders.Contracts.IProductCatalog>(), fixture.System.Get<AzureOrders.Inventory.StockLedger>(), fixture.System.Get<AzureOrders.Payments.IPaymentGateway>());
        Assert.True(catalog.TryGet(Sku, out var product));
        await ledger.SeedAsync([product with { InitialStock = 50 }], CancellationToken.None);
        try
        {
            var orders = Enumerable.Range(0, 200)
                .Select(i => new DemoOrder($"race_{RunId()}_{i:D3}", $"cust_{i}", DemoScenario.Happy, [(Sku, 1, product.PriceInCents)]))
                .ToList();

            var result = await Flow.RunAsync(orders, TimeSpan.FromMinutes(3), concurrency: 200);

            var stock = await ledger.ReadAsync(Sku, CancellationToken.None);
            output.WriteLine($"{result.Summary}; {Sku} after: {stock?.Available} available, {stock?.OnHold} held");
            Report(result);
            Assert.Equal(50, result.Count(OrderStatus.Confirmed));
            Assert.Equal(150, result.Count(OrderStatus.Cancelled));
            Assert.Equal(0, stock?.Available);
            Assert.True(result.Invariants.All(i => i.Holds), result.FailedInvariants);
        }
        finally
        {
            await ledger.SeedAsync([product], CancellationToken.None);
        }
    }

    private void Report(FlowResult result)
    {
        foreach (var invariant in result.Invariants)
            output.WriteLine($"  [{(invariant.Holds ? "ok" : "FAILED")}] {invariant.Invariant}: {invariant.Detail}");
    }

    private static IEnumerable<string> Timeline(OrderViewDocument view) => view.Timeline.Select(t => t.EventType).Order(StringComparer.Ordinal);

    private static int Index(string orderId) => int.Parse(orderId[(orderId.LastIndexOf('_') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The catalog's stock, everyday SKUs times ten: a thousand orders would otherwise run out of more than the scarce one.</summary>
    private IEnumerable<AzureOrders.Contracts.Product> Stock() =>
        fixture.System.Get<AzureOrders.Contracts.IProductCatalog>().All.Select(p => p.InitialStock >= 500 ? p with { InitialStock = p.InitialStock * 10 } : p);

    private static string RunId() => Guid.NewGuid().ToString("N")[..8];
}

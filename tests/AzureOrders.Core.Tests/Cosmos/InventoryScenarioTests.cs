using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Xunit.Abstractions;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class InventoryScenarioTests(CosmosServerFixture fixture, ITestOutputHelper output)
{
    private static async Task<int> AvailableAsync(CoreHarness h, string sku) =>
        (await h.Stock.ReadAsync(sku, CancellationToken.None))!.Available;

    [Fact]
    public async Task When_stock_suffices_every_line_is_held_and_inventory_reserved_is_published()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        var settlement = await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("ord_1", [new("WIDGET-001", 2), new("GADGET-002", 1)])));

        Assert.IsType<Settlement.Complete>(settlement);
        var reserved = Assert.Single(h.Publisher.SentOf(MessageTypes.InventoryReservedV1)).PayloadAs<InventoryReservedV1>();
        Assert.Equal(3, reserved.Items.Sum(i => i.Quantity));
        Assert.Equal(998, await AvailableAsync(h, "WIDGET-001"));
        Assert.Equal(499, await AvailableAsync(h, "GADGET-002"));
        Assert.Equal(new Route(EntityKind.Topic, "inventory"), h.Publisher.Sent.Single().Route);
    }

    [Fact]
    public async Task When_one_line_is_short_the_lines_already_held_are_released_before_failure_is_reported()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        // DOOHICKEY-004 has 250: the WIDGET line (held first, SKUs go in order) must come back.
        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("ord_2", [new("WIDGET-001", 5), new("DOOHICKEY-004", 251)])));

        var failed = Assert.Single(h.Publisher.SentOf(MessageTypes.InventoryReservationFailedV1)).PayloadAs<InventoryReservationFailedV1>();
        Assert.Equal(ReservationFailureReasons.OutOfStock, failed.Reason);
        Assert.Equal(new StockShortage("DOOHICKEY-004", 251, 250), Assert.Single(failed.Shortages));
        Assert.Equal(1000, await AvailableAsync(h, "WIDGET-001"));
        Assert.Equal(250, await AvailableAsync(h, "DOOHICKEY-004"));
        Assert.Null(await h.ReadAsync<HoldDocument>(ContainerNames.Inventory, HoldDocument.IdFor("ord_2"), "WIDGET-001"));
        Assert.Empty(h.Publisher.SentOf(MessageTypes.InventoryReservedV1));
    }

    [Fact]
    public async Task When_an_unknown_sku_is_asked_for_the_reservation_fails_with_unknown_sku()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("ord_3", [new("NOT-STOCKED-1", 1)])));
        Assert.Equal(ReservationFailureReasons.UnknownSku, h.Publisher.SentOf(MessageTypes.InventoryReservationFailedV1).Single().PayloadAs<InventoryReservationFailedV1>().Reason);
    }

    [Fact]
    public async Task When_a_reservation_is_released_twice_stock_goes_back_once_and_the_second_reply_repeats_the_first_release()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("ord_4", [new("WIDGET-001", 3), new("GIZMO-003", 7)])));

        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReleaseV1("ord_4", "payment-declined")));
        // The saga's next compensation attempt: a new command id, sent when the first reply was slow.
        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReleaseV1("ord_4", "a second release command")));

        // The second command is answered (the saga may be waiting) with the same fact under the same event id, so the
        // broker's duplicate detection and every consumer's dedupe drop it: the order's timeline shows one release.
        var replies = h.Publisher.Attempts.Where(m => m.Subject == MessageTypes.InventoryReleasedV1).ToList();
        Assert.Equal(2, replies.Count);
        Assert.Equal(replies[0].Envelope.EventId, replies[1].Envelope.EventId);
        Assert.Equal(replies[0].MessageId, replies[1].MessageId);
        var release = Assert.Single(h.Publisher.SentOf(MessageTypes.InventoryReleasedV1)).PayloadAs<InventoryReleasedV1>();
        Assert.Equal([new StockLine("GIZMO-003", 7), new StockLine("WIDGET-001", 3)], release.Items.OrderBy(i => i.Sku));
        Assert.Equal(1000, await AvailableAsync(h, "WIDGET-001"));
        Assert.Equal(2000, await AvailableAsync(h, "GIZMO-003"));
        Assert.Equal(0, (await h.Stock.ReadAsync("WIDGET-001", CancellationToken.None))!.OnHold);
    }

    [Fact]
    public async Task When_the_release_arrives_before_the_reserve_the_late_reserve_holds_nothing()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReleaseV1("ord_5", "inventory-timed-out")));
        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("ord_5", [new("WIDGET-001", 4)])));

        Assert.Empty(Assert.Single(h.Publisher.SentOf(MessageTypes.InventoryReleasedV1)).PayloadAs<InventoryReleasedV1>().Items);
        Assert.Equal(ReservationFailureReasons.Released, h.Publisher.SentOf(MessageTypes.InventoryReservationFailedV1).Single().PayloadAs<InventoryReservationFailedV1>().Reason);
        Assert.Equal(1000, await AvailableAsync(h, "WIDGET-001"));
    }

    [Fact]
    public async Task When_50_orders_race_for_10_units_exactly_10_are_reserved_and_stock_never_goes_negative()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.Stock.SeedAsync([new Product("LIMITED-010", "Limited", 100, 10)], CancellationToken.None);
        var commands = Enumerable.Range(0, 50).Select(i => h.Message(new InventoryReserveV1($"race_{i:D2}", [new("LIMITED-010", 1)]))).ToList();

        // Watch the stock while the race runs: it must never be seen below zero.
        using var raceOver = new CancellationTokenSource();
        var observed = new List<int>();
        var watcher = Task.Run(async () =>
        {
            while (!raceOver.IsCancellationRequested) observed.Add((await h.Stock.ReadAsync("LIMITED-010", CancellationToken.None))!.Available);
        });
        var settlements = await Task.WhenAll(commands.Select(c => Task.Run(() => h.DeliverAsync(Services.Inventory, c))));
        await raceOver.CancelAsync();
        await watcher;
        output.WriteLine($"stock observed {observed.Count} times during the race, minimum {observed.DefaultIfEmpty(0).Min()}");
        Assert.All(observed, available => Assert.InRange(available, 0, 10));

        Assert.All(settlements, s => Assert.IsType<Settlement.Complete>(s));
        var reserved = h.Publisher.SentOf(MessageTypes.InventoryReservedV1);
        var failed = h.Publisher.SentOf(MessageTypes.InventoryReservationFailedV1);
        output.WriteLine($"reserved {reserved.Count}, failed {failed.Count}");
        Assert.Equal(10, reserved.Count);
        Assert.Equal(40, failed.Count);
        var stock = (await h.Stock.ReadAsync("LIMITED-010", CancellationToken.None))!;
        Assert.Equal(0, stock.Available);
        Assert.Equal(10, stock.OnHold);
    }
}

using System.Diagnostics;
using System.Net;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

/// <summary>The change feed (latest version): everything from the beginning, then only what changed.</summary>
public sealed class CosmosChangeFeedTests(CosmosServerFixture cosmos) : CosmosTestBase(cosmos)
{
    [Fact]
    public async Task The_change_feed_from_the_beginning_returns_every_item_in_write_order()
    {
        foreach (var id in new[] { "c", "a", "b" }) await Container.CreateItemAsync(new TestItem(id, "p1"), new PartitionKey("p1"));

        var changes = await DrainAsync(Container.GetChangeFeedIterator<TestItem>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion));

        Assert.Equal(["c", "a", "b"], changes.Items.Select(i => i.id));
    }

    [Fact]
    public async Task Resuming_from_a_continuation_returns_only_later_changes()
    {
        await Container.CreateItemAsync(new TestItem("first", "p1", 1), new PartitionKey("p1"));
        var initial = await DrainAsync(Container.GetChangeFeedIterator<TestItem>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion));
        Assert.Equal(["first"], initial.Items.Select(i => i.id));

        await Container.CreateItemAsync(new TestItem("second", "p2"), new PartitionKey("p2"));
        await Container.UpsertItemAsync(new TestItem("first", "p1", 2), new PartitionKey("p1"));

        var later = await DrainAsync(Container.GetChangeFeedIterator<TestItem>(
            ChangeFeedStartFrom.ContinuationToken(initial.Continuation), ChangeFeedMode.LatestVersion));

        Assert.Equal(["second", "first"], later.Items.Select(i => i.id));
        Assert.Equal(2, later.Items.Single(i => i.id == "first").n);
    }

    [Fact]
    public async Task The_change_feed_pages_by_MaxItemCount()
    {
        for (var i = 0; i < 5; i++) await Container.CreateItemAsync(new TestItem($"item{i}", "p1"), new PartitionKey("p1"));

        var iterator = Container.GetChangeFeedIterator<TestItem>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion,
            new ChangeFeedRequestOptions { PageSizeHint = 2 });
        var first = await iterator.ReadNextAsync();
        var rest = await DrainAsync(Container.GetChangeFeedIterator<TestItem>(
            ChangeFeedStartFrom.ContinuationToken(first.ContinuationToken), ChangeFeedMode.LatestVersion));

        Assert.Equal(["item0", "item1"], first.Select(i => i.id));
        Assert.Equal(["item2", "item3", "item4"], rest.Items.Select(i => i.id));
    }

    [Fact]
    public async Task The_change_feed_of_one_partition_key_has_only_its_items()
    {
        await Container.CreateItemAsync(new TestItem("a", "p1"), new PartitionKey("p1"));
        await Container.CreateItemAsync(new TestItem("b", "p2"), new PartitionKey("p2"));

        var changes = await DrainAsync(Container.GetChangeFeedIterator<TestItem>(
            ChangeFeedStartFrom.Beginning(FeedRange.FromPartitionKey(new PartitionKey("p2"))), ChangeFeedMode.LatestVersion));

        Assert.Equal(["b"], changes.Items.Select(i => i.id));
    }

    [Fact]
    public async Task The_change_feed_from_now_skips_existing_items()
    {
        await Container.CreateItemAsync(new TestItem("old", "p1"), new PartitionKey("p1"));
        var iterator = Container.GetChangeFeedIterator<TestItem>(ChangeFeedStartFrom.Now(), ChangeFeedMode.LatestVersion);

        var caughtUp = await iterator.ReadNextAsync();
        await Container.CreateItemAsync(new TestItem("new", "p1"), new PartitionKey("p1"));
        var next = await iterator.ReadNextAsync();

        Assert.Equal(HttpStatusCode.NotModified, caughtUp.StatusCode);
        Assert.Equal(["new"], next.Select(i => i.id));
    }

    [Fact]
    public async Task The_change_feed_processor_delivers_changes_with_a_lease_container()
    {
        var leases = (await Container.Database.CreateContainerAsync("leases", "/id")).Container;
        var seen = new List<string>();
        var processor = Container
            .GetChangeFeedProcessorBuilder<TestItem>("projection", (IReadOnlyCollection<TestItem> changes, CancellationToken _) =>
            {
                lock (seen) seen.AddRange(changes.Select(c => c.id));
                return Task.CompletedTask;
            })
            .WithInstanceName("test")
            .WithLeaseContainer(leases)
            .WithPollInterval(TimeSpan.FromMilliseconds(50))
            .Build();

        await processor.StartAsync();
        try
        {
            await Container.CreateItemAsync(new TestItem("ord_123", "p1"), new PartitionKey("p1"));
            var waited = Stopwatch.StartNew();
            while (!Contains(seen, "ord_123") && waited.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(50);
        }
        finally
        {
            await processor.StopAsync();
        }

        Assert.True(Contains(seen, "ord_123"), "The processor did not deliver the new item within 15 s.");
    }

    private static bool Contains(List<string> seen, string id)
    {
        lock (seen) return seen.Contains(id);
    }

    /// <summary>Reads until the feed reports 304 Not Modified (caught up) and returns what it saw.</summary>
    private static async Task<(List<TestItem> Items, string Continuation)> DrainAsync(FeedIterator<TestItem> iterator)
    {
        var items = new List<TestItem>();
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await iterator.ReadNextAsync();
            if (page.StatusCode == HttpStatusCode.NotModified) return (items, page.ContinuationToken);
            items.AddRange(page);
        }
        throw new InvalidOperationException("The change feed never reported that it had caught up.");
    }
}

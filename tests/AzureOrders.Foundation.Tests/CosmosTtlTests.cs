using System.Diagnostics;
using System.Net;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

/// <summary>Item time-to-live: the container default and the per-item "ttl" override.</summary>
public sealed class CosmosTtlTests(CosmosServerFixture cosmos) : CosmosTestBase(cosmos)
{
    private static readonly PartitionKey P1 = new("p1");

    // Expired items disappear within about a second of their TTL; the deadline leaves room for slow machines.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    protected override ContainerProperties ContainerProperties(string id) => new(id, "/pk") { DefaultTimeToLive = 1 };

    [Fact]
    public async Task An_item_expires_after_the_container_default_ttl()
    {
        await Container.CreateItemAsync(new TestItem("short-lived", "p1"), P1);

        await WaitUntilGoneAsync("short-lived");

        var remaining = await ReadAllAsync(Container.GetItemQueryIterator<TestItem>("SELECT * FROM c"));
        Assert.DoesNotContain(remaining, i => i.id == "short-lived");
    }

    [Fact]
    public async Task An_item_ttl_of_minus_one_outlives_the_container_default()
    {
        await Container.CreateItemAsync(new TestItem("keeper", "p1", ttl: -1), P1);
        await Container.CreateItemAsync(new TestItem("marker", "p1"), P1);

        // Once an item with the default TTL has expired, the keeper has lived past that TTL too.
        await WaitUntilGoneAsync("marker");

        var keeper = await Container.ReadItemAsync<TestItem>("keeper", P1);
        Assert.Equal(HttpStatusCode.OK, keeper.StatusCode);
    }

    [Fact]
    public async Task An_item_ttl_shorter_than_the_container_default_wins()
    {
        var database = Container.Database;
        var container = (await database.CreateContainerAsync(new ContainerProperties("long-default", "/pk") { DefaultTimeToLive = 3600 })).Container;
        await container.CreateItemAsync(new TestItem("dedupe", "p1", ttl: 1), P1);
        await container.CreateItemAsync(new TestItem("order", "p1"), P1);

        await WaitUntilGoneAsync("dedupe", container);

        Assert.Equal(HttpStatusCode.OK, (await container.ReadItemAsync<TestItem>("order", P1)).StatusCode);
    }

    [Fact]
    public async Task An_expired_id_can_be_created_again()
    {
        await Container.CreateItemAsync(new TestItem("dedupe", "p1"), P1);
        await WaitUntilGoneAsync("dedupe");

        var again = await Container.CreateItemAsync(new TestItem("dedupe", "p1", 2), P1);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    private async Task WaitUntilGoneAsync(string id, Container? container = null)
    {
        container ??= Container;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await container.ReadItemStreamAsync(id, P1);
            if (response.StatusCode == HttpStatusCode.NotFound) return;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (waited.Elapsed > Deadline) Assert.Fail($"Item '{id}' still exists {Deadline.TotalSeconds} s after its TTL.");
            await Task.Delay(100);
        }
    }
}

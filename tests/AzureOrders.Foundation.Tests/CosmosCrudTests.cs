using System.Net;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

public sealed class CosmosCrudTests(CosmosServerFixture cosmos) : CosmosTestBase(cosmos)
{
    [Fact]
    public async Task An_item_can_be_created_read_replaced_upserted_and_deleted()
    {
        var pk = new PartitionKey("p1");
        var created = await Container.CreateItemAsync(new TestItem("a", "p1", 1), pk);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(string.IsNullOrEmpty(created.ETag));

        var read = await Container.ReadItemAsync<TestItem>("a", pk);
        Assert.Equal(1, read.Resource.n);

        var replaced = await Container.ReplaceItemAsync(new TestItem("a", "p1", 2), "a", pk);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(created.ETag, replaced.ETag);

        var upserted = await Container.UpsertItemAsync(new TestItem("a", "p1", 3), pk);
        Assert.Equal(HttpStatusCode.OK, upserted.StatusCode);
        Assert.Equal(3, (await Container.ReadItemAsync<TestItem>("a", pk)).Resource.n);

        var deleted = await Container.DeleteItemAsync<TestItem>("a", pk);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Reading_a_missing_item_is_404()
    {
        var error = await Assert.ThrowsAsync<CosmosException>(() => Container.ReadItemAsync<TestItem>("missing", new PartitionKey("p1")));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Reading_an_item_with_another_partition_key_is_404()
    {
        await Container.CreateItemAsync(new TestItem("a", "p1"), new PartitionKey("p1"));
        var error = await Assert.ThrowsAsync<CosmosException>(() => Container.ReadItemAsync<TestItem>("a", new PartitionKey("p2")));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Reading_a_missing_item_as_a_stream_is_404_without_an_exception()
    {
        using var response = await Container.ReadItemStreamAsync("missing", new PartitionKey("p1"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Creating_an_existing_item_is_409()
    {
        await Container.CreateItemAsync(new TestItem("a", "p1"), new PartitionKey("p1"));
        var error = await Assert.ThrowsAsync<CosmosException>(() => Container.CreateItemAsync(new TestItem("a", "p1"), new PartitionKey("p1")));
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_missing_item_is_404()
    {
        var error = await Assert.ThrowsAsync<CosmosException>(() => Container.DeleteItemAsync<TestItem>("missing", new PartitionKey("p1")));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ReadMany_returns_the_items_that_exist()
    {
        await Container.CreateItemAsync(new TestItem("a", "p1"), new PartitionKey("p1"));
        await Container.CreateItemAsync(new TestItem("b", "p2"), new PartitionKey("p2"));

        var items = await Container.ReadManyItemsAsync<TestItem>(
            [("a", new PartitionKey("p1")), ("b", new PartitionKey("p2")), ("missing", new PartitionKey("p1")), ("a", new PartitionKey("p2"))]);

        Assert.Equal(["a", "b"], items.Select(i => i.id).Order());
    }
}

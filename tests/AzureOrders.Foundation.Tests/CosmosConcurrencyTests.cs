using System.Net;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

/// <summary>Conditional requests: ETags for caching and optimistic concurrency, and conditional patches.</summary>
public sealed class CosmosConcurrencyTests(CosmosServerFixture cosmos) : CosmosTestBase(cosmos)
{
    private static readonly PartitionKey P1 = new("p1");

    [Fact]
    public async Task Reading_with_the_current_etag_in_If_None_Match_is_304()
    {
        var created = await Container.CreateItemAsync(new TestItem("a", "p1"), P1);

        using var unchanged = await Container.ReadItemStreamAsync("a", P1, new ItemRequestOptions { IfNoneMatchEtag = created.ETag });
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        // The typed API reports 304 as an exception, as it does against Cosmos DB itself.
        var typed = await Assert.ThrowsAsync<CosmosException>(() =>
            Container.ReadItemAsync<TestItem>("a", P1, new ItemRequestOptions { IfNoneMatchEtag = created.ETag }));
        Assert.Equal(HttpStatusCode.NotModified, typed.StatusCode);

        await Container.UpsertItemAsync(new TestItem("a", "p1", 1), P1);
        using var changed = await Container.ReadItemStreamAsync("a", P1, new ItemRequestOptions { IfNoneMatchEtag = created.ETag });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    [Fact]
    public async Task Replacing_with_a_stale_etag_is_412_and_keeps_the_newer_version()
    {
        var created = await Container.CreateItemAsync(new TestItem("a", "p1", 1), P1);
        var current = await Container.ReplaceItemAsync(new TestItem("a", "p1", 2), "a", P1, new ItemRequestOptions { IfMatchEtag = created.ETag });

        var error = await Assert.ThrowsAsync<CosmosException>(() =>
            Container.ReplaceItemAsync(new TestItem("a", "p1", 3), "a", P1, new ItemRequestOptions { IfMatchEtag = created.ETag }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        var stored = await Container.ReadItemAsync<TestItem>("a", P1);
        Assert.Equal(2, stored.Resource.n);
        Assert.Equal(current.ETag, stored.ETag);
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_is_412()
    {
        var created = await Container.CreateItemAsync(new TestItem("a", "p1", 1), P1);
        await Container.UpsertItemAsync(new TestItem("a", "p1", 2), P1);

        var error = await Assert.ThrowsAsync<CosmosException>(() =>
            Container.DeleteItemAsync<TestItem>("a", P1, new ItemRequestOptions { IfMatchEtag = created.ETag }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
    }

    [Fact]
    public async Task Patch_increments_and_sets_fields()
    {
        await Container.CreateItemAsync(new TestItem("a", "p1", 10), P1);

        var patched = await Container.PatchItemAsync<TestItem>("a", P1,
            [PatchOperation.Increment("/n", -3), PatchOperation.Set("/status", "RESERVED")]);

        Assert.Equal(7, patched.Resource.n);
        Assert.Equal("RESERVED", patched.Resource.status);
        Assert.Equal(7, (await Container.ReadItemAsync<TestItem>("a", P1)).Resource.n);
    }

    [Fact]
    public async Task Patch_with_a_filter_predicate_decrements_only_while_the_condition_holds()
    {
        await Container.CreateItemAsync(new TestItem("sku", "p1", 5), P1);
        var options = new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.n >= 3" };

        var first = await Container.PatchItemAsync<TestItem>("sku", P1, [PatchOperation.Increment("/n", -3)], options);
        var second = await Assert.ThrowsAsync<CosmosException>(() =>
            Container.PatchItemAsync<TestItem>("sku", P1, [PatchOperation.Increment("/n", -3)], options));

        Assert.Equal(2, first.Resource.n);
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        Assert.Equal(2, (await Container.ReadItemAsync<TestItem>("sku", P1)).Resource.n);
    }

    [Fact]
    public async Task Patch_with_a_stale_etag_is_412()
    {
        var created = await Container.CreateItemAsync(new TestItem("a", "p1", 1), P1);
        await Container.UpsertItemAsync(new TestItem("a", "p1", 2), P1);

        var error = await Assert.ThrowsAsync<CosmosException>(() => Container.PatchItemAsync<TestItem>("a", P1,
            [PatchOperation.Increment("/n", 1)], new PatchItemRequestOptions { IfMatchEtag = created.ETag }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
    }

    [Fact]
    public async Task Concurrent_conditional_decrements_never_oversell()
    {
        await Container.CreateItemAsync(new TestItem("sku", "p1", 10), P1);
        var options = new PatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.n >= 1" };

        async Task<bool> TryTakeOne()
        {
            try
            {
                await Container.PatchItemAsync<TestItem>("sku", P1, [PatchOperation.Increment("/n", -1)], options);
                return true;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                return false;
            }
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => TryTakeOne()));

        Assert.Equal(10, outcomes.Count(taken => taken));
        Assert.Equal(0, (await Container.ReadItemAsync<TestItem>("sku", P1)).Resource.n);
    }
}

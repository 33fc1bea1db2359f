using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Azure.Cosmos.Linq;

namespace AzureOrders.Foundation.Tests;

/// <summary>Queries as the SDK sends them in Gateway mode (query plan first, then the query).</summary>
public sealed class CosmosQueryTests(CosmosServerFixture cosmos) : CosmosTestBase(cosmos)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Two partitions, interleaved values, so ordering and scoping are both visible in results.
        TestItem[] items =
        [
            new("a1", "a", 5, "PLACED"), new("a2", "a", 1, "CONFIRMED"), new("a3", "a", 3, "PLACED"),
            new("b1", "b", 4, "PLACED"), new("b2", "b", 2, "CANCELLED"),
        ];
        foreach (var item in items) await Container.CreateItemAsync(item, new PartitionKey(item.pk));
    }

    [Fact]
    public async Task A_query_scoped_by_the_partition_key_header_returns_only_that_partition()
    {
        // The key is only in the request options (and so the header), not in the query text.
        var results = await ReadAllAsync(Container.GetItemQueryIterator<TestItem>(
            "SELECT * FROM c", requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("b") }));

        Assert.Equal(["b1", "b2"], results.Select(r => r.id).Order());
    }

    [Fact]
    public async Task A_cross_partition_ORDER_BY_query_returns_all_items_in_order()
    {
        var results = await ReadAllAsync(Container.GetItemQueryIterator<TestItem>("SELECT * FROM c ORDER BY c.n DESC"));

        Assert.Equal([5, 4, 3, 2, 1], results.Select(r => r.n));
    }

    [Fact]
    public async Task COUNT_and_other_aggregates_return_one_value()
    {
        var count = await ReadAllAsync(Container.GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c"));
        var placedSum = await ReadAllAsync(Container.GetItemQueryIterator<int>(
            new QueryDefinition("SELECT VALUE SUM(c.n) FROM c WHERE c.status = @status").WithParameter("@status", "PLACED")));
        var max = await ReadAllAsync(Container.GetItemQueryIterator<int>(
            "SELECT VALUE MAX(c.n) FROM c", requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("b") }));

        Assert.Equal([5], count);
        Assert.Equal([12], placedSum);
        Assert.Equal([4], max);
    }

    [Fact]
    public async Task LINQ_queries_filter_order_project_and_count()
    {
        var placed = await ReadAllAsync(Container.GetItemLinqQueryable<TestItem>()
            .Where(i => i.status == "PLACED")
            .OrderBy(i => i.n)
            .Select(i => i.id)
            .ToFeedIterator());
        var cancelled = await Container.GetItemLinqQueryable<TestItem>().Where(i => i.status == "CANCELLED").CountAsync();

        Assert.Equal(["a3", "b1", "a1"], placed);
        Assert.Equal(1, cancelled.Resource);
    }

    [Fact]
    public async Task OFFSET_LIMIT_pages_through_ordered_results()
    {
        var page = await ReadAllAsync(Container.GetItemQueryIterator<TestItem>(
            new QueryDefinition("SELECT * FROM c ORDER BY c.n OFFSET @skip LIMIT @take").WithParameter("@skip", 1).WithParameter("@take", 3)));
        var linqPage = await ReadAllAsync(Container.GetItemLinqQueryable<TestItem>().OrderByDescending(i => i.n).Skip(3).Take(5).ToFeedIterator());

        Assert.Equal([2, 3, 4], page.Select(r => r.n));
        Assert.Equal([2, 1], linqPage.Select(r => r.n));
    }

    [Fact]
    public async Task Results_larger_than_MaxItemCount_arrive_in_pages_with_a_continuation()
    {
        var iterator = Container.GetItemQueryIterator<TestItem>("SELECT * FROM c ORDER BY c.n",
            requestOptions: new QueryRequestOptions { MaxItemCount = 2 });

        var first = await iterator.ReadNextAsync();
        Assert.Equal([1, 2], first.Select(r => r.n));
        Assert.NotNull(first.ContinuationToken);

        var resumed = await ReadAllAsync(Container.GetItemQueryIterator<TestItem>("SELECT * FROM c ORDER BY c.n",
            first.ContinuationToken, new QueryRequestOptions { MaxItemCount = 2 }));
        Assert.Equal([3, 4, 5], resumed.Select(r => r.n));
    }

    [Fact]
    public async Task DISTINCT_removes_repeated_values()
    {
        var statuses = await ReadAllAsync(Container.GetItemQueryIterator<string>("SELECT DISTINCT VALUE c.status FROM c"));
        var linq = await ReadAllAsync(Container.GetItemLinqQueryable<TestItem>().Select(i => i.pk).Distinct().ToFeedIterator());

        Assert.Equal(["CANCELLED", "CONFIRMED", "PLACED"], statuses.Order());
        Assert.Equal(["a", "b"], linq.Order());
    }

    [Fact]
    public async Task An_invalid_query_is_400()
    {
        var error = await Assert.ThrowsAsync<CosmosException>(() => ReadAllAsync(Container.GetItemQueryIterator<TestItem>("SELEC nonsense")));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }
}

using System.Net;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

/// <summary>TransactionalBatch in the SDK's binary format: all or nothing, per-operation results.</summary>
public sealed class CosmosBatchTests(CosmosServerFixture cosmos) : CosmosTestBase(cosmos)
{
    private static readonly PartitionKey P1 = new("p1");

    [Fact]
    public async Task A_batch_applies_every_operation_and_reports_each_result()
    {
        await Container.CreateItemAsync(new TestItem("existing", "p1", 1), P1);
        await Container.CreateItemAsync(new TestItem("doomed", "p1"), P1);

        using var response = await Container.CreateTransactionalBatch(P1)
            .CreateItem(new TestItem("new", "p1", 5))
            .ReadItem("existing")
            .ReplaceItem("existing", new TestItem("existing", "p1", 2))
            .UpsertItem(new TestItem("upserted", "p1", 3))
            .DeleteItem("doomed")
            .PatchItem("new", [PatchOperation.Increment("/n", 1)])
            .ExecuteAsync();

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.NoContent, HttpStatusCode.OK],
            response.Select(r => r.StatusCode));
        Assert.Equal(1, response.GetOperationResultAtIndex<TestItem>(1).Resource.n);
        Assert.False(string.IsNullOrEmpty(response[0].ETag));
        Assert.Equal(6, (await Container.ReadItemAsync<TestItem>("new", P1)).Resource.n);
        Assert.Equal(2, (await Container.ReadItemAsync<TestItem>("existing", P1)).Resource.n);
        using var doomed = await Container.ReadItemStreamAsync("doomed", P1);
        Assert.Equal(HttpStatusCode.NotFound, doomed.StatusCode);
    }

    [Fact]
    public async Task A_create_conflict_inside_a_batch_fails_it_with_409_and_424_for_the_others()
    {
        await Container.CreateItemAsync(new TestItem("dedupe-key", "p1"), P1);

        using var response = await Container.CreateTransactionalBatch(P1)
            .CreateItem(new TestItem("order", "p1", 1))
            .CreateItem(new TestItem("dedupe-key", "p1"))
            .CreateItem(new TestItem("outbox", "p1"))
            .ExecuteAsync();

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.Conflict, HttpStatusCode.FailedDependency], response.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_failed_batch_changes_nothing()
    {
        await Container.CreateItemAsync(new TestItem("stock", "p1", 10), P1);

        using var response = await Container.CreateTransactionalBatch(P1)
            .PatchItem("stock", [PatchOperation.Increment("/n", -4)])
            .CreateItem(new TestItem("reservation", "p1", 4))
            .ReplaceItem("missing", new TestItem("missing", "p1"))
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, response[2].StatusCode);
        Assert.Equal(10, (await Container.ReadItemAsync<TestItem>("stock", P1)).Resource.n);
        using var reservation = await Container.ReadItemStreamAsync("reservation", P1);
        Assert.Equal(HttpStatusCode.NotFound, reservation.StatusCode);
    }

    [Fact]
    public async Task A_stale_etag_inside_a_batch_fails_it_with_412()
    {
        var created = await Container.CreateItemAsync(new TestItem("a", "p1", 1), P1);
        await Container.UpsertItemAsync(new TestItem("a", "p1", 2), P1);

        using var response = await Container.CreateTransactionalBatch(P1)
            .ReplaceItem("a", new TestItem("a", "p1", 3), new TransactionalBatchItemRequestOptions { IfMatchEtag = created.ETag })
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(2, (await Container.ReadItemAsync<TestItem>("a", P1)).Resource.n);
    }

    [Fact]
    public async Task A_conditional_patch_inside_a_batch_fails_it_with_412_when_the_predicate_is_false()
    {
        await Container.CreateItemAsync(new TestItem("stock", "p1", 3), P1);
        var onlyIfEnough = new TransactionalBatchPatchItemRequestOptions { FilterPredicate = "FROM c WHERE c.n >= 5" };

        using var response = await Container.CreateTransactionalBatch(P1)
            .CreateItem(new TestItem("reservation", "p1", 5))
            .PatchItem("stock", [PatchOperation.Increment("/n", -5)], onlyIfEnough)
            .ExecuteAsync();

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.PreconditionFailed], response.Select(r => r.StatusCode));
        Assert.Equal(3, (await Container.ReadItemAsync<TestItem>("stock", P1)).Resource.n);
        using var reservation = await Container.ReadItemStreamAsync("reservation", P1);
        Assert.Equal(HttpStatusCode.NotFound, reservation.StatusCode);
    }

    [Fact]
    public async Task A_batch_without_content_response_still_reports_etags()
    {
        using var response = await Container.CreateTransactionalBatch(P1)
            .CreateItem(new TestItem("a", "p1"))
            .ExecuteAsync(new TransactionalBatchRequestOptions());
        using var quiet = await Container.CreateTransactionalBatch(P1)
            .UpsertItem(new TestItem("a", "p1", 1), new TransactionalBatchItemRequestOptions { EnableContentResponseOnWrite = false })
            .ExecuteAsync();

        Assert.True(quiet.IsSuccessStatusCode);
        Assert.Null(quiet[0].ResourceStream);
        Assert.False(string.IsNullOrEmpty(quiet[0].ETag));
        Assert.Equal(quiet[0].ETag, (await Container.ReadItemAsync<TestItem>("a", P1)).ETag);
    }

    [Fact]
    public async Task Bulk_execution_sends_binary_batches_that_apply_each_operation()
    {
        using var bulkClient = CosmosClients.Create(Cosmos.ConnectionString, options => options.AllowBulkExecution = true);
        var bulk = bulkClient.GetContainer(Container.Database.Id, Container.Id);
        await Container.CreateItemAsync(new TestItem("item3", "p3"), new PartitionKey("p3"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            try
            {
                return (await bulk.CreateItemAsync(new TestItem($"item{i}", $"p{i}"), new PartitionKey($"p{i}"))).StatusCode;
            }
            catch (CosmosException e)
            {
                return e.StatusCode;
            }
        }));

        Assert.Equal(39, outcomes.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.Conflict, outcomes[3]);
        var count = await ReadAllAsync(Container.GetItemQueryIterator<int>("SELECT VALUE COUNT(1) FROM c"));
        Assert.Equal([40], count);
    }
}

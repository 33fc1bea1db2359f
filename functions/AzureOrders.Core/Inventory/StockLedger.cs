using System.Net;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Inventory;

public enum HoldOutcome { Held, AlreadyHeld, Insufficient, UnknownSku }

/// <summary>
/// Per-SKU stock operations, each one transactional batch in the SKU's partition: the hold document and the
/// conditional decrement (filter predicate available >= quantity) commit together or not at all, so stock is
/// never negative and no concurrency mix-up can oversell.
/// </summary>
public sealed class StockLedger(Database database, TimeProvider time)
{
    private readonly Container _inventory = database.GetContainer(ContainerNames.Inventory);

    public async Task<HoldOutcome> HoldAsync(string orderId, StockLine line, CancellationToken cancellationToken)
    {
        var batch = _inventory.CreateTransactionalBatch(new PartitionKey(line.Sku))
            .CreateItem(new HoldDocument
            {
                Id = HoldDocument.IdFor(orderId),
                Sku = line.Sku,
                OrderId = orderId,
                Quantity = line.Quantity,
                HeldAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            })
            .PatchItem(StockDocument.DocumentId,
                [PatchOperation.Increment("/available", -line.Quantity), PatchOperation.Increment("/onHold", line.Quantity)],
                new TransactionalBatchPatchItemRequestOptions { FilterPredicate = $"FROM c WHERE c.available >= {line.Quantity}" });
        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode) return HoldOutcome.Held;
        var (index, status) = Failure(response);
        return (index, status) switch
        {
            (0, HttpStatusCode.Conflict) => HoldOutcome.AlreadyHeld, // a previous delivery already took it
            (1, HttpStatusCode.PreconditionFailed) => HoldOutcome.Insufficient,
            (1, HttpStatusCode.NotFound) => HoldOutcome.UnknownSku,
            _ => throw Unexpected(response, status),
        };
    }

    /// <summary>
    /// Gives back exactly what the order holds of this SKU (the hold's own quantity, read first) and returns
    /// it; 0 when it holds nothing (released before, or never held).
    /// </summary>
    public async Task<int> ReleaseAsync(string orderId, string sku, CancellationToken cancellationToken)
    {
        var hold = await CosmosOutboxStore.TryReadAsync<HoldDocument>(_inventory, HoldDocument.IdFor(orderId), new PartitionKey(sku), cancellationToken);
        if (hold is null) return 0;
        var batch = _inventory.CreateTransactionalBatch(new PartitionKey(sku))
            .DeleteItem(hold.Id, new TransactionalBatchItemRequestOptions { IfMatchEtag = hold.ETag })
            .PatchItem(StockDocument.DocumentId,
                [PatchOperation.Increment("/available", hold.Quantity), PatchOperation.Increment("/onHold", -hold.Quantity)]);
        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode) return hold.Quantity;
        var (index, status) = Failure(response);
        return (index, status) switch
        {
            // A concurrent release of the same hold won: it gave the stock back, not us.
            (0, HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed) => 0,
            _ => throw Unexpected(response, status),
        };
    }

    public Task<StockDocument?> ReadAsync(string sku, CancellationToken cancellationToken) =>
        CosmosOutboxStore.TryReadAsync<StockDocument>(_inventory, StockDocument.DocumentId, new PartitionKey(sku), cancellationToken);

    /// <summary>Seeds stock for local runs and tests (upsert: running it again resets the numbers).</summary>
    public async Task SeedAsync(IEnumerable<Product> products, CancellationToken cancellationToken)
    {
        foreach (var p in products)
            await _inventory.UpsertItemAsync(new StockDocument { Sku = p.Sku, Available = p.InitialStock, OnHold = 0 }, new PartitionKey(p.Sku), cancellationToken: cancellationToken);
    }

    private static (int Index, HttpStatusCode Status) Failure(TransactionalBatchResponse response)
    {
        for (var i = 0; i < response.Count; i++)
            if ((int)response[i].StatusCode != 424 && !response[i].IsSuccessStatusCode) return (i, response[i].StatusCode);
        return (-1, response.StatusCode);
    }

    private static Exception Unexpected(TransactionalBatchResponse response, HttpStatusCode status) =>
        TransientFaults.IsTransientCosmosStatus(status)
            ? new CosmosException($"stock batch: {response.ErrorMessage}", status, 0, response.ActivityId, response.RequestCharge)
            : new InvalidOperationException($"stock batch failed unexpectedly with {(int)status}: {response.ErrorMessage}");
}

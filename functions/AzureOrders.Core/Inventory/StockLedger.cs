using System.Net;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Inventory;

public enum HoldOutcome { Held, AlreadyHeld, Insufficient, UnknownSku }

/// <summary>
/// Per-SKU stock operations, each one transactional batch in the SKU's partition: the hold document and the
/// stock change commit together or not at all. The decrement is a replace guarded by the ETag of the stock
/// just read (optimistic concurrency): a concurrent change makes it fail with 412 and we read again, so
/// stock is never negative and never oversold.
/// </summary>
/// <remarks>
/// A patch with a filter predicate (available >= quantity) would save the read, but the embedded Cosmos
/// server ignores filter predicates and would oversell in local runs; the ETag form is correct everywhere.
/// </remarks>
public sealed class StockLedger(Database database, TimeProvider time)
{
    private const int MaxAttempts = 50;
    private readonly Container _inventory = database.GetContainer(ContainerNames.Inventory);

    public async Task<HoldOutcome> HoldAsync(string orderId, StockLine line, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var stock = await ReadAsync(line.Sku, cancellationToken);
            if (stock is null) return HoldOutcome.UnknownSku;
            if (stock.Available < line.Quantity)
            {
                // Short now, but a previous delivery of this command may already hold the line.
                var existing = await _inventory.TryReadItemAsync<HoldDocument>(HoldDocument.IdFor(orderId), new PartitionKey(line.Sku), cancellationToken);
                return existing is null ? HoldOutcome.Insufficient : HoldOutcome.AlreadyHeld;
            }

            var batch = _inventory.CreateTransactionalBatch(new PartitionKey(line.Sku))
                .CreateItem(new HoldDocument
                {
                    Id = HoldDocument.IdFor(orderId),
                    Sku = line.Sku,
                    OrderId = orderId,
                    Quantity = line.Quantity,
                    HeldAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                })
                .ReplaceItem(StockDocument.DocumentId,
                    stock with { Available = stock.Available - line.Quantity, OnHold = stock.OnHold + line.Quantity, ETag = null },
                    new TransactionalBatchItemRequestOptions { IfMatchEtag = stock.ETag });
            using var response = await batch.ExecuteAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return HoldOutcome.Held;
            var (index, status) = Failure(response);
            switch (index, status)
            {
                case (0, HttpStatusCode.Conflict): return HoldOutcome.AlreadyHeld; // a previous delivery already took it
                case (1, HttpStatusCode.PreconditionFailed): continue; // someone changed the stock: read again
                default: throw Unexpected(response, status);
            }
        }
        throw new TransientFailureException($"stock of {line.Sku}: lost {MaxAttempts} concurrency races");
    }

    /// <summary>
    /// Gives back exactly what the order holds of this SKU (the hold's own quantity, read first) and returns
    /// it; 0 when it holds nothing (released before, or never held).
    /// </summary>
    public async Task<int> ReleaseAsync(string orderId, string sku, CancellationToken cancellationToken)
    {
        var hold = await _inventory.TryReadItemAsync<HoldDocument>(HoldDocument.IdFor(orderId), new PartitionKey(sku), cancellationToken);
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
        _inventory.TryReadItemAsync<StockDocument>(StockDocument.DocumentId, new PartitionKey(sku), cancellationToken);

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

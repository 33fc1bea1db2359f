using System.Net;
using AzureOrders.Contracts;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

/// <summary>The outbox API the pipeline and the timer-triggered relay use.</summary>
public interface IOutboxStore
{
    /// <summary>Marks entries dispatched (one patch batch per partition).</summary>
    Task MarkDispatchedAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>Entries stored more than <paramref name="olderThan"/> ago and still not dispatched (a crash between commit and publish).</summary>
    Task<IReadOnlyList<OutboxEntry>> ListUndispatchedAsync(TimeSpan olderThan, int maxItems, CancellationToken cancellationToken);

    /// <summary>For a duplicate delivery: what the first delivery of <paramref name="eventId"/> stored and did not dispatch.</summary>
    Task<IReadOnlyList<OutboxEntry>> UndispatchedForAsync(string container, string partitionKey, string consumer, Guid eventId, CancellationToken cancellationToken);
}

public sealed class CosmosOutboxStore(Database database, TimeProvider time) : IOutboxStore
{
    /// <summary>Dispatched records outside the orders stream expire after this (the stream keeps its events forever).</summary>
    public static readonly TimeSpan DispatchedRetention = TimeSpan.FromDays(7);

    public async Task MarkDispatchedAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var partition in entries.GroupBy(e => (e.Address.Container, e.Address.PartitionKey)))
        {
            var container = database.GetContainer(partition.Key.Container);
            var batch = container.CreateTransactionalBatch(new PartitionKey(partition.Key.PartitionKey));
            List<PatchOperation> operations = [PatchOperation.Set("/dispatched", true), PatchOperation.Set("/dispatchedAtMs", now)];
            if (partition.Key.Container != ContainerNames.Orders)
                operations.Add(PatchOperation.Set("/ttl", (int)DispatchedRetention.TotalSeconds));
            foreach (var entry in partition) batch.PatchItem(entry.Address.DocumentId, operations);
            using var response = await batch.ExecuteAsync(cancellationToken);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                throw new CosmosException($"Marking the outbox dispatched failed: {response.ErrorMessage}", response.StatusCode, 0, response.ActivityId, response.RequestCharge);
        }
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListUndispatchedAsync(TimeSpan olderThan, int maxItems, CancellationToken cancellationToken)
    {
        var before = (time.GetUtcNow() - olderThan).ToUnixTimeMilliseconds();
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.dispatched = false AND c.storedAtMs <= @before")
            .WithParameter("@kind", OutboxDocument.KindValue)
            .WithParameter("@before", before);
        var found = new List<OutboxEntry>();
        foreach (var spec in Containers.WithOutbox)
        {
            using var iterator = database.GetContainer(spec.Name).GetItemQueryIterator<OutboxDocument>(query, requestOptions: new QueryRequestOptions { MaxItemCount = maxItems });
            while (iterator.HasMoreResults && found.Count < maxItems)
            {
                foreach (var document in await iterator.ReadNextAsync(cancellationToken))
                {
                    found.Add(ToEntry(spec, document));
                    if (found.Count >= maxItems) break;
                }
            }
        }
        return found;
    }

    public async Task<IReadOnlyList<OutboxEntry>> UndispatchedForAsync(string container, string partitionKey, string consumer, Guid eventId, CancellationToken cancellationToken)
    {
        var target = database.GetContainer(container);
        var pk = new PartitionKey(partitionKey);
        var dedupe = await target.TryReadItemAsync<DedupeDocument>(DedupeDocument.IdFor(consumer, eventId), pk, cancellationToken);
        if (dedupe is null) return [];
        var spec = Containers.Get(container);
        var result = new List<OutboxEntry>();
        foreach (var id in dedupe.OutboxIds)
        {
            var document = await target.TryReadItemAsync<OutboxDocument>(id, pk, cancellationToken);
            if (document is { Dispatched: false }) result.Add(ToEntry(spec, document));
        }
        return result;
    }

    private static OutboxEntry ToEntry(ContainerSpec spec, OutboxDocument d) =>
        new(d.Envelope, new OutboxAddress(spec.Name, d.StreamId ?? d.OrderId ?? d.Sku ?? throw new InvalidDataException($"Outbox document {d.Id} has no partition key."), d.Id));
}

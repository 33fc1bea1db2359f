using System.Net;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

public enum PartitionWriteStatus
{
    Committed,
    /// <summary>The dedupe key already existed (409 on it): a previous delivery made this change.</summary>
    Duplicate,
    /// <summary>A state operation lost a race (409 on create, 412 on ETag/filter, 404 on a missing item).</summary>
    Rejected,
}

/// <param name="FailedOperation">Index in the executed batch of the operation that failed, when Rejected (the dedupe key, when present, is operation 0).</param>
public sealed record PartitionWriteResult(PartitionWriteStatus Status, IReadOnlyList<OutboxEntry> Outbox, int FailedOperation = -1, HttpStatusCode FailedStatus = default);

/// <summary>
/// State change + dedupe key + outgoing messages of one partition as ONE transactional batch: one round
/// trip, all or nothing. That is what lets a single-partition handler deduplicate without an extra read.
/// </summary>
public sealed class PartitionWrite(Container container, ContainerSpec spec, string partitionKey, TimeProvider time)
{
    /// <summary>Dedupe keys outlive the longest message TTL of the topology (14 days) with margin.</summary>
    public static readonly TimeSpan DedupeTtl = TimeSpan.FromDays(30);

    // Operations are collected and added at execution, after the dedupe key: the batch stops at its first
    // failing operation, so a redelivery must meet the key (409 = duplicate) before any state conflict.
    private readonly List<Action<TransactionalBatch>> _pending = [];
    private readonly List<OutboxEntry> _outbox = [];
    private (string Consumer, Guid EventId)? _dedupe;

    public string PartitionKey => partitionKey;
    public int OperationCount => _pending.Count + (_dedupe is null ? 0 : 1);

    public PartitionWrite Create<T>(T item) { _pending.Add(b => b.CreateItem(item)); return this; }

    public PartitionWrite Upsert<T>(T item) { _pending.Add(b => b.UpsertItem(item)); return this; }

    /// <summary>Replace guarded by the ETag read earlier (optimistic concurrency); null ETag = create.</summary>
    public PartitionWrite ReplaceOrCreate<T>(string id, T item, string? etag)
    {
        if (etag is null) _pending.Add(b => b.CreateItem(item));
        else _pending.Add(b => b.ReplaceItem(id, item, new TransactionalBatchItemRequestOptions { IfMatchEtag = etag }));
        return this;
    }

    /// <summary>Patch, optionally only if the item matches <paramref name="filterPredicate"/> (e.g. "FROM c WHERE c.available >= 2").</summary>
    public PartitionWrite Patch(string id, IReadOnlyList<PatchOperation> operations, string? filterPredicate = null)
    {
        _pending.Add(b => b.PatchItem(id, operations, new TransactionalBatchPatchItemRequestOptions { FilterPredicate = filterPredicate }));
        return this;
    }

    public PartitionWrite Delete(string id, string? etag = null)
    {
        _pending.Add(b => b.DeleteItem(id, etag is null ? null : new TransactionalBatchItemRequestOptions { IfMatchEtag = etag }));
        return this;
    }

    /// <summary>Stores an outgoing message with the state; <paramref name="documentId"/> defaults to one derived from its event id.</summary>
    public PartitionWrite Outbox(Envelope envelope, string? documentId = null, long? version = null)
    {
        var id = documentId ?? $"outbox:{envelope.EventId:D}";
        var document = WithPartitionKey(new OutboxDocument
        {
            Id = id,
            Envelope = envelope,
            Version = version,
            Dispatched = false,
            StoredAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        });
        _pending.Add(b => b.CreateItem(document));
        _outbox.Add(new OutboxEntry(envelope, new OutboxAddress(spec.Name, partitionKey, id)));
        return this;
    }

    /// <summary>Adds the dedupe key <c>{consumer}:{eventId}</c> (first operation of the batch; it lists the outbox ids).</summary>
    public PartitionWrite Dedupe(string consumer, Guid eventId)
    {
        _dedupe = (consumer, eventId);
        return this;
    }

    public async Task<PartitionWriteResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var batch = container.CreateTransactionalBatch(new PartitionKey(partitionKey));
        var dedupeIndex = -1;
        if (_dedupe is { } d)
        {
            dedupeIndex = 0;
            batch.CreateItem(WithPartitionKey(new DedupeDocument
            {
                Id = DedupeDocument.IdFor(d.Consumer, d.EventId),
                Key = $"{d.Consumer}:{d.EventId:D}",
                OutboxIds = [.. _outbox.Select(o => o.Address.DocumentId)],
                HandledAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                Ttl = (int)DedupeTtl.TotalSeconds,
            }));
        }
        foreach (var add in _pending) add(batch);
        if (OperationCount == 0) return new PartitionWriteResult(PartitionWriteStatus.Committed, []);

        using var response = await batch.ExecuteAsync(cancellationToken);
        if (response.IsSuccessStatusCode) return new PartitionWriteResult(PartitionWriteStatus.Committed, _outbox);

        // The failing operation carries its own status; the others report 424 (failed dependency).
        var failed = Enumerable.Range(0, response.Count).FirstOrDefault(i => (int)response[i].StatusCode != 424, -1);
        var status = failed >= 0 ? response[failed].StatusCode : response.StatusCode;
        if (TransientFaults.IsTransientCosmosStatus(status) || failed < 0)
            throw new CosmosException($"Transactional batch failed with {(int)status}: {response.ErrorMessage}", status, 0, response.ActivityId, response.RequestCharge);
        if (failed == dedupeIndex && status == HttpStatusCode.Conflict)
            return new PartitionWriteResult(PartitionWriteStatus.Duplicate, []);
        return new PartitionWriteResult(PartitionWriteStatus.Rejected, [], failed, status);
    }

    private OutboxDocument WithPartitionKey(OutboxDocument d) => spec.PartitionKeyProperty switch
    {
        "streamId" => d with { StreamId = partitionKey },
        "orderId" => d with { OrderId = partitionKey },
        "sku" => d with { Sku = partitionKey },
        var other => throw new NotSupportedException($"Partition key property {other} is not supported for outbox documents."),
    };

    private DedupeDocument WithPartitionKey(DedupeDocument d) => spec.PartitionKeyProperty switch
    {
        "streamId" => d with { StreamId = partitionKey },
        "orderId" => d with { OrderId = partitionKey },
        "sku" => d with { Sku = partitionKey },
        var other => throw new NotSupportedException($"Partition key property {other} is not supported for dedupe documents."),
    };
}

using AzureOrders.Contracts;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Orders;

/// <summary>Two writers appended to the same order stream at once; the loser re-reads and decides again.</summary>
public sealed class StreamConcurrencyException(string orderId) : Exception($"Order stream {orderId} changed concurrently.");

/// <summary>
/// The event-sourced order stream: appending = one batch that replaces the head (If-Match) and creates
/// the event documents (ids by version, so two appenders of the same version collide with 409). The
/// events are the outbox: created undispatched, published, then marked dispatched.
/// </summary>
public sealed class OrderStream(Database database, TimeProvider time)
{
    private readonly Container _container = database.GetContainer(ContainerNames.Orders);
    private readonly ContainerSpec _spec = Containers.Get(ContainerNames.Orders);

    public Task<OrderHeadDocument?> ReadHeadAsync(string orderId, CancellationToken cancellationToken) =>
        _container.TryReadItemAsync<OrderHeadDocument>(OrderHeadDocument.DocumentId, new PartitionKey(orderId), cancellationToken);

    /// <summary>The stored events of an order, in order (a partition-scoped query).</summary>
    public async Task<IReadOnlyList<OutboxDocument>> ReadEventsAsync(string orderId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", OutboxDocument.KindValue);
        using var iterator = _container.GetItemQueryIterator<OutboxDocument>(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(orderId) });
        var events = new List<OutboxDocument>();
        while (iterator.HasMoreResults) events.AddRange(await iterator.ReadNextAsync(cancellationToken));
        return [.. events.OrderBy(e => e.Version)];
    }

    public async Task<OutboxDocument?> ReadEventAsync(string orderId, long version, CancellationToken cancellationToken) =>
        await _container.TryReadItemAsync<OutboxDocument>(OrderHeadDocument.EventDocumentId(version), new PartitionKey(orderId), cancellationToken);

    /// <summary>Appends <paramref name="events"/> after <paramref name="expected"/> (null = new stream) and returns their outbox entries.</summary>
    /// <exception cref="StreamConcurrencyException">The stream moved on since <paramref name="expected"/> was read.</exception>
    public async Task<IReadOnlyList<OutboxEntry>> AppendAsync(OrderHeadDocument? expected, OrderHeadDocument next, IReadOnlyList<Envelope> events, CancellationToken cancellationToken)
    {
        var write = new PartitionWrite(_container, _spec, next.StreamId, time)
            .ReplaceOrCreate(OrderHeadDocument.DocumentId, next with { ETag = null }, expected?.ETag);
        var version = expected?.Version ?? 0;
        foreach (var e in events)
        {
            version++;
            write.Outbox(e, OrderHeadDocument.EventDocumentId(version), version);
        }
        if (version != next.Version) throw new ArgumentException("The head's version must count the appended events.", nameof(next));
        var result = await write.ExecuteAsync(cancellationToken);
        return result.Status == PartitionWriteStatus.Committed ? result.Outbox : throw new StreamConcurrencyException(next.OrderId);
    }
}

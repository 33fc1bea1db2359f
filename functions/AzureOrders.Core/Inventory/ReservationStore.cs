using AzureOrders.Contracts;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Inventory;

/// <summary>The reservations container: one document per order plus that order's dedupe keys and outbox.</summary>
public sealed class ReservationStore(Database database, TimeProvider time)
{
    private readonly Container _container = database.GetContainer(ContainerNames.Reservations);
    private readonly ContainerSpec _spec = Containers.Get(ContainerNames.Reservations);

    public Task<ReservationDocument?> ReadAsync(string orderId, CancellationToken cancellationToken) =>
        _container.TryReadItemAsync<ReservationDocument>(ReservationDocument.DocumentId, new PartitionKey(orderId), cancellationToken);

    /// <summary>
    /// One batch: the reservation (created, replaced under its ETag, or left as is when null), the dedupe
    /// key of the command and the reply.
    /// </summary>
    public Task<PartitionWriteResult> CommitAsync(
        string orderId, ReservationDocument? next, ReservationDocument? current, MessageContextInfo command, Envelope reply, CancellationToken cancellationToken,
        string? replyDocumentId = null)
    {
        var write = new PartitionWrite(_container, _spec, orderId, time);
        if (next is not null) write.ReplaceOrCreate(ReservationDocument.DocumentId, next with { ETag = null }, current?.ETag);
        return write.Outbox(reply, replyDocumentId).Dedupe(command.Consumer, command.EventId).ExecuteAsync(cancellationToken);
    }
}

/// <summary>The two facts about the incoming command that persistence needs.</summary>
public sealed record MessageContextInfo(string Consumer, Guid EventId);

using AzureOrders.Contracts;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Payments;

/// <summary>The payments container: one payment document per order with its dedupe keys and outbox, always one batch.</summary>
public sealed class PaymentStore(Database database, TimeProvider time)
{
    private readonly Container _container = database.GetContainer(ContainerNames.Payments);
    private readonly ContainerSpec _spec = Containers.Get(ContainerNames.Payments);

    public Task<PaymentDocument?> ReadAsync(string orderId, CancellationToken cancellationToken) =>
        _container.TryReadItemAsync<PaymentDocument>(PaymentDocument.DocumentId, new PartitionKey(orderId), cancellationToken);

    /// <param name="next">New state (created, or replaced under <paramref name="current"/>'s ETag); null leaves the state as is.</param>
    public Task<PartitionWriteResult> CommitAsync(
        string orderId, PaymentDocument? next, PaymentDocument? current, string consumer, Guid eventId, IReadOnlyList<Envelope> replies, CancellationToken cancellationToken,
        IReadOnlyList<string?>? replyDocumentIds = null)
    {
        var write = new PartitionWrite(_container, _spec, orderId, time);
        if (next is not null) write.ReplaceOrCreate(PaymentDocument.DocumentId, next with { ETag = null }, current?.ETag);
        for (var i = 0; i < replies.Count; i++) write.Outbox(replies[i], replyDocumentIds?[i]);
        return write.Dedupe(consumer, eventId).ExecuteAsync(cancellationToken);
    }

    /// <summary>State and messages without a dedupe key: for a command that is not finished (it fails after this and is retried).</summary>
    public Task<PartitionWriteResult> RecordAsync(string orderId, PaymentDocument next, PaymentDocument? current, IReadOnlyList<Envelope> messages, CancellationToken cancellationToken)
    {
        var write = new PartitionWrite(_container, _spec, orderId, time);
        write.ReplaceOrCreate(PaymentDocument.DocumentId, next with { ETag = null }, current?.ETag);
        foreach (var message in messages) write.Outbox(message);
        return write.ExecuteAsync(cancellationToken);
    }
}

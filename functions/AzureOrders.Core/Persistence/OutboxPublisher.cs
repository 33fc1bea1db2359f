using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Persistence;

/// <summary>
/// Publishes stored outgoing messages, then marks them dispatched. Used right after a commit (pipeline,
/// PlaceOrder, saga activities) and by the relay for whatever a crash left behind. Publishing twice is
/// harmless: ids are deterministic and the broker drops the copy.
/// </summary>
public sealed class OutboxPublisher(IEventPublisher publisher, IOutboxStore store, Topology topology)
{
    public async Task<IReadOnlyList<Envelope>> DispatchAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0) return [];
        foreach (var entry in entries)
        {
            // Producers validate before publishing, even what they stored themselves (a schema may have tightened since).
            var check = SchemaValidator.Instance.CheckPayload(entry.Envelope.EventType, entry.Envelope.Payload);
            if (!check.IsValid) throw new ContractViolationException(entry.Envelope.EventType, check.Describe());
            await publisher.PublishTracedAsync(entry.Envelope, topology, cancellationToken);
        }
        await store.MarkDispatchedAsync(entries, cancellationToken);
        return [.. entries.Select(e => e.Envelope)];
    }
}

/// <summary>The timer-triggered relay's work: republish what stayed undispatched longer than a grace period.</summary>
public sealed class OutboxRelay(IOutboxStore store, OutboxPublisher dispatcher)
{
    /// <summary>Returns how many messages were republished.</summary>
    public async Task<int> RelayOnceAsync(TimeSpan olderThan, int maxItems = 100, CancellationToken cancellationToken = default)
    {
        var pending = await store.ListUndispatchedAsync(olderThan, maxItems, cancellationToken);
        await dispatcher.DispatchAsync(pending, cancellationToken);
        return pending.Count;
    }
}

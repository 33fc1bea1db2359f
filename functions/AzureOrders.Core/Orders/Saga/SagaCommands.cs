using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Orders.Saga;

/// <summary>
/// Message ids of the saga's commands, derived from (orderId, step, attempt): a retried activity or a replayed
/// orchestration sends the same id again and the broker's duplicate detection (and the services' dedupe keys)
/// drop the copy. Only a deliberate re-send (the next compensation attempt) gets a new id.
/// </summary>
public static class SagaCommandIds
{
    public static readonly Guid Namespace = new("3f7d2b9a-58c1-4e6f-a0d4-9b1c7e25f803");

    public static Guid For(string orderId, string step, int attempt = 1) =>
        DeterministicGuid.Create(Namespace, $"saga|{orderId}|{step}|{attempt}");
}

/// <summary>What an activity reports after sending a command (kept small: it is stored in the history).</summary>
public sealed record CommandSent(Guid EventId, string EventType);

/// <summary>
/// Sends the saga's commands straight to their queue. There is no saga state in Cosmos to commit with, so no
/// outbox: the Durable history is the saga's state, the activity retry is the re-send and the deterministic id
/// the dedupe. Producers validate before publishing (Envelopes.Create checks the schema).
/// </summary>
public sealed class SagaCommandSender(IEventPublisher publisher, TimeProvider time, Topology? topology = null)
{
    private readonly Topology _topology = topology ?? Topology.Default;

    public async Task<CommandSent> SendAsync<T>(T command, string orderId, string step, int attempt, Guid correlationId, Guid? causationId, CancellationToken cancellationToken)
        where T : class
    {
        var envelope = Envelopes.Create(command, SagaCommandIds.For(orderId, step, attempt), correlationId, causationId, Services.Saga, time.GetUtcNow());
        await publisher.PublishTracedAsync(envelope, _topology, cancellationToken);
        return new CommandSent(envelope.EventId, envelope.EventType);
    }
}

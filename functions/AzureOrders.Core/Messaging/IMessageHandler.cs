using AzureOrders.Contracts;
using AzureOrders.Persistence;

namespace AzureOrders.Messaging;

/// <summary>A validated message, its payload already deserialized (order.placed arrives upcast to v2).</summary>
public sealed record MessageContext(Envelope Envelope, object Payload, string Consumer, int DeliveryCount)
{
    public T PayloadAs<T>() => (T)Payload;
}

/// <summary>
/// What a handler did. Handlers write state, their dedupe key and their outgoing messages together;
/// the pipeline then publishes <see cref="Outgoing"/> and marks them dispatched.
/// </summary>
/// <param name="Duplicate">The dedupe key already existed: nothing changed.</param>
/// <param name="DuplicateContainer">For a duplicate, where the first delivery stored its dedupe key and outbox, so the
/// pipeline can publish what that delivery stored but did not dispatch (null: the handler emits nothing).</param>
public sealed record HandlerOutcome(bool Duplicate, IReadOnlyList<OutboxEntry> Outgoing, string? DuplicateContainer = null, string? DuplicatePartitionKey = null)
{
    public static HandlerOutcome Handled(IReadOnlyList<OutboxEntry> outgoing) => new(false, outgoing);

    public static HandlerOutcome AlreadyHandled(string? container, string partitionKey) => new(true, [], container, partitionKey);
}

/// <summary>One handler per message type family; a file per handler in its service folder.</summary>
public interface IMessageHandler
{
    /// <summary>Stable name used in dedupe keys and deterministic outgoing ids (never rename lightly).</summary>
    string Name { get; }

    /// <summary>Wire types this handler accepts (both versions of order.placed where relevant).</summary>
    IReadOnlyCollection<string> MessageTypes { get; }

    Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken);
}

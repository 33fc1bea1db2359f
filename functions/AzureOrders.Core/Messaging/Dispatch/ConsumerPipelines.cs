using System.Collections.Frozen;
using AzureOrders.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AzureOrders.Messaging.Dispatch;

/// <summary>
/// One <see cref="MessagePipeline"/> per consumer of the topology that has handlers registered (keyed by the consumer
/// name, see <see cref="MessagingRegistration.AddMessageHandler{THandler}"/>). A host serves exactly
/// <see cref="Endpoints"/>: the topology's subscriptions and queues whose consumer is registered.
/// </summary>
public sealed class ConsumerPipelines
{
    private readonly FrozenDictionary<string, MessagePipeline> _pipelines;

    public ConsumerPipelines(IServiceProvider services, Topology topology, OutboxPublisher outbox, IOutboxStore store, TimeProvider time, IOptions<MessagingOptions> options)
    {
        var pipelines = new Dictionary<string, MessagePipeline>(StringComparer.Ordinal);
        foreach (var consumer in topology.Endpoints.Select(e => e.Consumer).Distinct(StringComparer.Ordinal))
        {
            var handlers = services.GetKeyedServices<IMessageHandler>(consumer).ToList();
            if (handlers.Count > 0) pipelines[consumer] = new MessagePipeline(consumer, handlers, outbox, store, time, options.Value);
        }
        _pipelines = pipelines.ToFrozenDictionary(StringComparer.Ordinal);
        Endpoints = [.. topology.Endpoints.Where(e => _pipelines.ContainsKey(e.Consumer))];
    }

    /// <summary>The endpoints this composition consumes, in topology order.</summary>
    public IReadOnlyList<Endpoint> Endpoints { get; }

    public IReadOnlyCollection<string> Consumers => _pipelines.Keys;

    public MessagePipeline For(string consumer) =>
        _pipelines.TryGetValue(consumer, out var pipeline)
            ? pipeline
            : throw new InvalidOperationException(
                $"No handlers are registered for consumer '{consumer}'; add its service (AddOrders, AddInventory, AddPayments, AddNotifications, AddOrderSaga).");
}

using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.Orders.Saga;
using AzureOrders.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Functions.Consumers;

/// <summary>
/// What every Service Bus-triggered function does: hand the message to Core's dispatcher for its endpoint, with the
/// binding's settlement actions (AutoCompleteMessages is off). The dispatcher settles every outcome itself, delayed
/// retries included, so nothing is thrown back at the Functions host (which would abandon for immediate redelivery).
/// </summary>
public sealed class ServiceBusConsumer(MessageDispatcher dispatcher, Topology topology, DurableClientAccessor durable)
{
    /// <param name="durableClient">Bound by the saga's triggers: the Durable client of this invocation.</param>
    public async Task HandleAsync(
        string entityName,
        string? subscriptionName,
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken,
        DurableTaskClient? durableClient = null)
    {
        using var scope = durableClient is null ? null : durable.Use(durableClient);
        await dispatcher.DispatchAsync(topology.EndpointFor(entityName, subscriptionName),
            ServiceBusMessageMapping.ToInboundMessage(message), new FunctionSettlementActions(actions, message), cancellationToken);
    }
}

/// <summary>The dispatcher's settlement verbs over the Functions binding's ServiceBusMessageActions.</summary>
public sealed class FunctionSettlementActions(ServiceBusMessageActions actions, ServiceBusReceivedMessage message) : ISettlementActions
{
    public Task CompleteAsync(CancellationToken cancellationToken) => actions.CompleteMessageAsync(message, cancellationToken);

    public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(message, new Dictionary<string, object>(properties), reason, description, cancellationToken);

    public Task AbandonAsync(CancellationToken cancellationToken) => actions.AbandonMessageAsync(message, null, cancellationToken);
}

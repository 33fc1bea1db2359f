using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Saga;

/// <summary>Core's settlement verbs over the Functions binding, so the saga's triggers settle exactly like every other consumer.</summary>
internal sealed class ServiceBusSettlementActions(ServiceBusMessageActions actions, ServiceBusReceivedMessage message) : ISettlementActions
{
    public Task CompleteAsync(CancellationToken cancellationToken) => actions.CompleteMessageAsync(message, cancellationToken);

    public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) =>
        actions.DeadLetterMessageAsync(message, new Dictionary<string, object>(properties), reason, description, cancellationToken);
}

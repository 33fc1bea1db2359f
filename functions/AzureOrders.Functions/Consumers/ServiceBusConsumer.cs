using Azure.Messaging.ServiceBus;
using AzureOrders.Hosting;
using AzureOrders.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Consumers;

/// <summary>
/// What every Service Bus-triggered function does: hand the message to Core's pipeline for its entity and
/// carry out the decision. Complete and dead-letter go through ServiceBusMessageActions (AutoCompleteMessages
/// is off); a transient failure propagates as an exception, so the message stays unsettled and is redelivered.
/// </summary>
public sealed class ServiceBusConsumer(CoreServices core)
{
    public async Task HandleAsync(
        string entityName,
        string? subscriptionName,
        ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken)
    {
        var pipeline = core.PipelineFor(entityName, subscriptionName);
        var settlement = await pipeline.ProcessAsync(ServiceBusMessageMapping.ToInboundMessage(message), cancellationToken);
        await SettlementExecutor.ApplyAsync(settlement, new FunctionSettlementActions(actions, message), cancellationToken);
    }

    private sealed class FunctionSettlementActions(ServiceBusMessageActions actions, ServiceBusReceivedMessage message) : ISettlementActions
    {
        public Task CompleteAsync(CancellationToken cancellationToken) => actions.CompleteMessageAsync(message, cancellationToken);

        public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) =>
            actions.DeadLetterMessageAsync(message, new Dictionary<string, object>(properties), reason, description, cancellationToken);
    }
}

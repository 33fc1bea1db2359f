using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging.Dispatch;

namespace AzureOrders.ServiceBus;

/// <summary>The dispatcher's settlement verbs over a ServiceBusProcessor's message (local runner, test harnesses).</summary>
public sealed class ProcessorSettlementActions(ProcessMessageEventArgs args) : ISettlementActions
{
    public Task CompleteAsync(CancellationToken cancellationToken) => args.CompleteMessageAsync(args.Message, cancellationToken);

    public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) =>
        args.DeadLetterMessageAsync(args.Message, new Dictionary<string, object>(properties), reason, description, cancellationToken);

    public Task AbandonAsync(CancellationToken cancellationToken) => args.AbandonMessageAsync(args.Message, cancellationToken: cancellationToken);
}

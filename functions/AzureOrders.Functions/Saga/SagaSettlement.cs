using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Saga;

/// <summary>
/// Applies the pipeline's decision with AutoCompleteMessages = false: complete on success, dead-letter a
/// permanent failure with its reason, description and properties, throw on a transient one so the message is
/// redelivered after its lock (the broker dead-letters it after maxDeliveryCount).
/// </summary>
internal static class SagaSettlement
{
    public static Task SettleAsync(Settlement settlement, ServiceBusReceivedMessage message, ServiceBusMessageActions actions, CancellationToken cancellationToken) =>
        settlement switch
        {
            Settlement.Complete => actions.CompleteMessageAsync(message, cancellationToken),
            Settlement.DeadLetter d => actions.DeadLetterMessageAsync(message, new Dictionary<string, object>(d.Properties),
                d.ReasonCode, d.Description, cancellationToken),
            Settlement.Retry r => throw new InvalidOperationException(
                $"Transient failure handling {message.Subject} {message.MessageId} (delivery {message.DeliveryCount}); it will be redelivered.", r.Exception),
            _ => throw new InvalidOperationException($"Unknown settlement {settlement.GetType().Name}."),
        };
}

using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;

namespace AzureOrders.ServiceBus;

/// <summary>
/// Publishes outgoing messages to their topic or queue with the DESIGN mapping (MessageId = eventId, so the
/// broker's duplicate detection drops a republished event). One sender per entity, created once and reused:
/// a sender owns an AMQP link, and opening one per message costs a round trip and a CBS token each time.
/// </summary>
public sealed class ServiceBusEventPublisher(ServiceBusClient client) : IEventPublisher, IDelayedRetryScheduler, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.OrdinalIgnoreCase);

    public Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        SenderFor(message.Route.EntityName).SendMessageAsync(ServiceBusMessageMapping.ToServiceBusMessage(message), cancellationToken);

    /// <summary>
    /// Messages that leave together go in as few batches as possible per entity (one AMQP transfer each),
    /// in their original order within an entity.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var group in messages.GroupBy(m => m.Route.EntityName, StringComparer.OrdinalIgnoreCase))
        {
            var sender = SenderFor(group.Key);
            var batch = await sender.CreateMessageBatchAsync(cancellationToken);
            try
            {
                foreach (var message in group)
                {
                    var sbMessage = ServiceBusMessageMapping.ToServiceBusMessage(message);
                    if (batch.TryAddMessage(sbMessage)) continue;
                    if (batch.Count == 0)
                        throw new InvalidOperationException($"Message {message.MessageId} ({message.Subject}) is larger than a Service Bus batch allows.");
                    await sender.SendMessagesAsync(batch, cancellationToken);
                    batch.Dispose();
                    batch = await sender.CreateMessageBatchAsync(cancellationToken);
                    if (!batch.TryAddMessage(sbMessage))
                        throw new InvalidOperationException($"Message {message.MessageId} ({message.Subject}) is larger than a Service Bus batch allows.");
                }
                if (batch.Count > 0) await sender.SendMessagesAsync(batch, cancellationToken);
            }
            finally
            {
                batch.Dispose();
            }
        }
    }

    /// <summary>
    /// A delayed retry is a scheduled <see cref="TargetedCopy"/> for the failing endpoint only: other subscribers of the
    /// topic, which handled the original, never see it.
    /// </summary>
    public Task ScheduleAsync(DelayedRetry retry, CancellationToken cancellationToken)
    {
        var (sendTo, copy) = TargetedCopy.Create(retry.Endpoint, retry.Message, retry.MessageId);
        copy.ApplicationProperties[MessageProperties.RetryCount] = retry.Retry;
        copy.ApplicationProperties[MessageProperties.RetryOf] = retry.RetryOf;
        copy.ApplicationProperties[MessageProperties.RetryReason] = retry.Reason;
        return SenderFor(sendTo).ScheduleMessageAsync(copy, retry.DueAt, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values) await sender.DisposeAsync();
        _senders.Clear();
    }

    private ServiceBusSender SenderFor(string entityName) => _senders.GetOrAdd(entityName, client.CreateSender);
}

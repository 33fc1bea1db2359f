using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.ServiceBus;

/// <summary>
/// A copy of a received message addressed to one consumer only: for a topic subscription it goes to the topic with
/// Subject <see cref="MessageProperties.RedeliverySubject"/> and <see cref="MessageProperties.RedeliverTo"/> =
/// "topic/subscription", which only that subscription's redelivery rule matches, so other subscribers never see it
/// again; for a queue it goes to the queue unchanged. The body, and so the envelope's eventId and every consumer's
/// dedupe on it, is unchanged. Resubmitted dead-letters and delayed retries are both such copies.
/// </summary>
public static class TargetedCopy
{
    /// <param name="messageId">Never the original's: the entity's duplicate detection still remembers that one and would drop the copy.</param>
    /// <returns>The entity to send to (the topic or the queue) and the message.</returns>
    public static (string SendTo, ServiceBusMessage Message) Create(Endpoint endpoint, InboundMessage original, string messageId)
    {
        // Field by field rather than the SDK's copy constructor, which would also carry over the remaining TTL,
        // scheduling and the broker's dead-letter annotations: every field sent is a decision.
        var copy = new ServiceBusMessage(original.Body)
        {
            MessageId = messageId,
            CorrelationId = original.CorrelationId,
            ContentType = original.ContentType,
            Subject = endpoint.Kind == EntityKind.Topic ? MessageProperties.RedeliverySubject : original.Subject,
        };
        foreach (var (key, value) in original.ApplicationProperties ?? new Dictionary<string, object?>())
            if (Keeps(key) && value is not null) copy.ApplicationProperties[key] = value;
        if (endpoint.RedeliveryTarget is { } redeliverTo) copy.ApplicationProperties[MessageProperties.RedeliverTo] = redeliverTo;
        return (endpoint.EntityName, copy);
    }

    // DeadLetterReason/ErrorDescription and the dlq-* context belong to a failed attempt; carried over they would make a
    // live message look dead-lettered. redeliverTo is set afresh for the target.
    private static bool Keeps(string key) =>
        !key.StartsWith("DeadLetter", StringComparison.Ordinal) &&
        !key.StartsWith(MessageProperties.DeadLetterContextPrefix, StringComparison.Ordinal) &&
        key != MessageProperties.RedeliverTo;
}

using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Builds the copy a resubmit sends. Targeted: for a subscription it goes to the topic with Subject
/// <see cref="Topology.RedeliverySubject"/> and <see cref="Topology.RedeliveryProperty"/> = "topic/subscription",
/// which only that subscription's redelivery rule matches (no event-type rule matches "redelivery"), so other
/// subscribers never see it again. The body is unchanged: the envelope's eventId stays, and so does the consumer's
/// dedupe on it.
/// </summary>
public static class Resubmission
{
    /// <summary>Name-based UUID namespace for resubmitted copies' MessageIds.</summary>
    public static readonly Guid MessageIdNamespace = new("c7a54d1e-3b2f-4e8a-9d61-0f5b8e2c4a73");

    public const string FromSequenceProperty = "resubmitted-from-sequence";
    public const string FromEntityProperty = "resubmitted-from";
    public const string ReasonProperty = "resubmitted-reason";
    public const string TimeProperty = "resubmitted-at";

    /// <summary>
    /// Not the original MessageId: the topic's duplicate detection still remembers it and would drop the copy.
    /// Derived from (original id, target, dead-letter sequence number) rather than random, so running the same
    /// resubmit again after a send whose completion failed sends the same id, and the broker drops the repeat.
    /// </summary>
    public static string MessageIdFor(string? originalMessageId, string target, long deadLetterSequenceNumber) =>
        DeterministicGuid.Create(MessageIdNamespace, $"{originalMessageId}|{target}|{deadLetterSequenceNumber}").ToString("D");

    /// <summary>The entity to send to (the topic or the queue) and the message to send.</summary>
    public static (string SendTo, ServiceBusMessage Message) Create(Endpoint endpoint, ServiceBusReceivedMessage original, DateTimeOffset now)
    {
        var target = DeadLetterEntities.KeyOf(endpoint);
        // Built field by field rather than with the copy constructor, which would also carry over the remaining
        // TTL, scheduling and the broker's dead-letter annotations; this way every field sent is a decision.
        var copy = new ServiceBusMessage(original.Body)
        {
            MessageId = MessageIdFor(original.MessageId, target, original.SequenceNumber),
            CorrelationId = original.CorrelationId,
            ContentType = original.ContentType,
            Subject = endpoint.Kind == EntityKind.Topic ? Topology.RedeliverySubject : original.Subject,
        };
        foreach (var (key, value) in original.ApplicationProperties)
            if (Keeps(key)) copy.ApplicationProperties[key] = value;

        if (endpoint.RedeliveryTarget is { } redeliverTo) copy.ApplicationProperties[Topology.RedeliveryProperty] = redeliverTo;
        copy.ApplicationProperties[FromSequenceProperty] = original.SequenceNumber;
        copy.ApplicationProperties[FromEntityProperty] = target;
        if (original.DeadLetterReason is { } reason) copy.ApplicationProperties[ReasonProperty] = reason;
        copy.ApplicationProperties[TimeProperty] = now.UtcDateTime.ToString("O");
        return (endpoint.EntityName, copy);
    }

    // DeadLetterReason/DeadLetterErrorDescription belong to the failed attempt and the pipeline's dlq-* properties
    // describe it; carried over they would make a live message look dead-lettered. redeliverTo is set afresh.
    private static bool Keeps(string key) =>
        !key.StartsWith("DeadLetter", StringComparison.Ordinal) &&
        !key.StartsWith("dlq-", StringComparison.Ordinal) &&
        key != Topology.RedeliveryProperty;
}

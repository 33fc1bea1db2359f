using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.ServiceBus;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Builds the copy a resubmit sends: a <see cref="TargetedCopy"/> for the original consumer only, with the body (and
/// so the eventId and the consumer's dedupe on it) unchanged, marked with where it was resubmitted from.
/// </summary>
public static class Resubmission
{
    /// <summary>Name-based UUID namespace for resubmitted copies' MessageIds.</summary>
    public static readonly Guid MessageIdNamespace = new("c7a54d1e-3b2f-4e8a-9d61-0f5b8e2c4a73");

    /// <summary>
    /// Not the original MessageId: the topic's duplicate detection still remembers it and would drop the copy.
    /// Derived from (original id, target, dead-letter sequence number) rather than random, so running the same
    /// resubmit again after a send whose completion failed sends the same id, and the broker drops the repeat.
    /// </summary>
    public static string MessageIdFor(string? originalMessageId, string target, long deadLetterSequenceNumber) =>
        DeterministicGuid.Create(MessageIdNamespace, $"{originalMessageId}|{target}|{deadLetterSequenceNumber}").ToString("D");

    /// <summary>Set (true) on a copy whose body an operator edited, so the consumer's logs and a later peek can tell.</summary>
    public const string EditedProperty = "resubmitted-edited";

    /// <summary>The entity to send to (the topic or the queue) and the message to send.</summary>
    /// <param name="editedBody">An operator's repaired body (already validated, same eventId); null sends the original body.</param>
    public static (string SendTo, ServiceBusMessage Message) Create(Endpoint endpoint, ServiceBusReceivedMessage original, DateTimeOffset now,
        ReadOnlyMemory<byte>? editedBody = null)
    {
        var target = DeadLetterEntities.KeyOf(endpoint);
        var inbound = ServiceBusMessageMapping.ToInboundMessage(original);
        if (editedBody is { } body) inbound = inbound with { Body = body };
        var (sendTo, copy) = TargetedCopy.Create(endpoint, inbound,
            MessageIdFor(original.MessageId, target, original.SequenceNumber));
        if (editedBody is not null) copy.ApplicationProperties[EditedProperty] = true;
        copy.ApplicationProperties[MessageProperties.ResubmittedFromSequence] = original.SequenceNumber;
        copy.ApplicationProperties[MessageProperties.ResubmittedFrom] = target;
        if (original.DeadLetterReason is { } reason) copy.ApplicationProperties[MessageProperties.ResubmittedReason] = reason;
        copy.ApplicationProperties[MessageProperties.ResubmittedAt] = now.UtcDateTime.ToString("O");
        return (sendTo, copy);
    }
}

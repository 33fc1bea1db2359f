using System.Diagnostics;
using AzureOrders.Contracts;

namespace AzureOrders.Messaging;

/// <summary>
/// An envelope resolved to its destination with the Service Bus mapping of DESIGN already applied, so the
/// Service Bus publisher (Function App issue) only copies fields: MessageId = eventId, Subject = eventType,
/// CorrelationId = correlationId, ContentType application/json, properties eventType/source/causationId/traceparent.
/// </summary>
public sealed record OutgoingMessage(
    Envelope Envelope,
    Route Route,
    ReadOnlyMemory<byte> Body,
    string MessageId,
    string Subject,
    string CorrelationId,
    string ContentType,
    IReadOnlyDictionary<string, object> ApplicationProperties)
{
    public static OutgoingMessage From(Envelope envelope, Topology topology, string? traceParent = null)
    {
        var properties = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [MessageProperties.EventType] = envelope.EventType,
        };
        if (envelope.Source is { } source) properties[MessageProperties.Source] = source;
        if (envelope.CausationId is { } causation) properties[MessageProperties.CausationId] = causation.ToString("D");
        traceParent ??= Activity.Current?.Id;
        if (traceParent is not null)
        {
            properties[MessageProperties.TraceParent] = traceParent;
            properties[MessageProperties.DiagnosticId] = traceParent;
        }
        return new OutgoingMessage(
            envelope,
            topology.RouteFor(envelope.EventType),
            envelope.ToUtf8Bytes(),
            envelope.EventId.ToString("D"),
            envelope.EventType,
            envelope.CorrelationId.ToString("D"),
            "application/json",
            properties);
    }
}

/// <summary>
/// Sends messages to their topic or queue. Implementations must be safe to call twice with the same
/// message (broker duplicate detection on MessageId makes the second send invisible).
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

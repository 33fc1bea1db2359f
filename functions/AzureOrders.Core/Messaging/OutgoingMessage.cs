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

/// <summary>
/// Records what was published (tests, local diagnostics). Drops exact repeats by MessageId the way Service
/// Bus duplicate detection does, and can be told to fail to simulate a crash between commit and publish.
/// </summary>
public sealed class RecordingEventPublisher : IEventPublisher
{
    private readonly Lock _gate = new();
    private readonly List<OutgoingMessage> _sent = [];
    private readonly List<OutgoingMessage> _attempts = [];

    /// <summary>When set and returning an exception, the publish throws it instead of sending.</summary>
    public Func<OutgoingMessage, Exception?>? FailWhen { get; set; }

    /// <summary>Messages the broker accepted, duplicates (same MessageId) dropped.</summary>
    public IReadOnlyList<OutgoingMessage> Sent { get { lock (_gate) return [.. _sent]; } }

    /// <summary>Every call, including duplicates and failed ones.</summary>
    public IReadOnlyList<OutgoingMessage> Attempts { get { lock (_gate) return [.. _attempts]; } }

    public Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _attempts.Add(message);
            if (FailWhen?.Invoke(message) is { } failure) throw failure;
            if (!_sent.Any(m => m.MessageId == message.MessageId)) _sent.Add(message);
        }
        return Task.CompletedTask;
    }

    public IReadOnlyList<Envelope> SentOf(string eventType) =>
        [.. Sent.Where(m => m.Subject == eventType).Select(m => m.Envelope)];

    public void Clear() { lock (_gate) { _sent.Clear(); _attempts.Clear(); } }
}

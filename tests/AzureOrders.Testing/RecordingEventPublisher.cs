using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Testing;

/// <summary>
/// Records what was published. Drops exact repeats by MessageId per entity the way Service Bus duplicate detection
/// does, can be told to fail (a transient broker fault, a crash between commit and publish), and forwards to a real
/// publisher when given one (harnesses over the Service Bus emulator).
/// </summary>
public sealed class RecordingEventPublisher(IEventPublisher? inner = null) : IEventPublisher
{
    private readonly Lock _gate = new();
    private readonly List<OutgoingMessage> _sent = [];
    private readonly List<OutgoingMessage> _attempts = [];
    private readonly HashSet<(string Entity, string MessageId)> _seen = [];

    /// <summary>When set and returning an exception, the publish throws it instead of sending.</summary>
    public Func<OutgoingMessage, Exception?>? FailWhen { get; set; }

    /// <summary>Messages the broker accepted, duplicates (same MessageId on the same entity) dropped.</summary>
    public IReadOnlyList<OutgoingMessage> Sent { get { lock (_gate) return [.. _sent]; } }

    /// <summary>Every call, including duplicates and failed ones.</summary>
    public IReadOnlyList<OutgoingMessage> Attempts { get { lock (_gate) return [.. _attempts]; } }

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _attempts.Add(message);
            if (FailWhen?.Invoke(message) is { } failure) throw failure;
        }
        if (inner is not null) await inner.PublishAsync(message, cancellationToken);
        lock (_gate)
        {
            if (_seen.Add((message.Route.EntityName, message.MessageId))) _sent.Add(message);
        }
    }

    public IReadOnlyList<Envelope> SentOf(string eventType) =>
        [.. Sent.Where(m => m.Subject == eventType).Select(m => m.Envelope)];

    public void Clear() { lock (_gate) { _sent.Clear(); _attempts.Clear(); _seen.Clear(); } }
}

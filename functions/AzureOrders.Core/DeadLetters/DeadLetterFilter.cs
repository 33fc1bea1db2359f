using System.Globalization;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Which dead-lettered messages an operation applies to. Every criterion is optional; all given ones must
/// hold. Times compare with the message's enqueued time (when it entered the broker, which the dead-letter
/// queue keeps), so "since 2h" means messages sent in the last two hours.
/// </summary>
public sealed record DeadLetterFilter
{
    public static readonly DeadLetterFilter All = new();

    /// <summary>One subscription or queue (any name <see cref="DeadLetterEntities"/> accepts); null = every entity of the topology.</summary>
    public string? Entity { get; init; }

    /// <summary>DeadLetterReason, case-insensitive (e.g. SchemaValidationFailed, MaxDeliveryCountExceeded).</summary>
    public string? Reason { get; init; }

    public string? EventType { get; init; }
    public string? MessageId { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }

    /// <summary>At most this many messages over all entities; null = no limit.</summary>
    public int? Max { get; init; }

    /// <summary>
    /// Paging: only messages with a larger sequence number. Sequence numbers are per entity, so a page cursor
    /// means something only with <see cref="Entity"/> set; the read starts there instead of at the queue's head.
    /// </summary>
    public long? AfterSequence { get; init; }

    public bool Matches(DeadLetterMessage message) =>
        (Reason is null || string.Equals(message.Reason, Reason, StringComparison.OrdinalIgnoreCase)) &&
        (EventType is null || string.Equals(message.EventType, EventType, StringComparison.Ordinal)) &&
        (MessageId is null || string.Equals(message.MessageId, MessageId, StringComparison.Ordinal)) &&
        (AfterSequence is null || message.SequenceNumber > AfterSequence) &&
        (Since is null || message.EnqueuedTime >= Since) &&
        (Until is null || message.EnqueuedTime < Until);

    /// <summary>The entities to read, in topology order.</summary>
    public IReadOnlyList<Endpoint> EndpointsIn(Topology topology) =>
        Entity is null ? topology.Endpoints : [DeadLetterEntities.Resolve(topology, Entity)];

    /// <summary>
    /// A point in time as the CLI and the HTTP API take it: ISO-8601 ("2026-11-26T14:00:00Z"; no offset means UTC)
    /// or an age before <paramref name="now"/> ("30m", "2h", "7d").
    /// </summary>
    public static bool TryParseTime(string text, DateTimeOffset now, out DateTimeOffset time)
    {
        text = text.Trim();
        if (text.Length > 1 && char.IsAsciiLetter(text[^1]) &&
            double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? age = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (age is { } span) { time = now - span; return true; }
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}

using System.Globalization;
using System.Text;

namespace AzureOrders.DeadLetters;

public enum AuditOutcome
{
    /// <summary>Dry run: would have been re-sent; nothing changed.</summary>
    WouldResubmit,
    /// <summary>Copy sent to the original consumer, then removed from the dead-letter queue.</summary>
    Resubmitted,
    /// <summary>The send failed; the message stays in the dead-letter queue.</summary>
    SendFailed,
    /// <summary>
    /// Sent, but removing it from the dead-letter queue failed: it is still there. Resubmitting it again sends the
    /// same MessageId, which duplicate detection drops, and the consumer dedupes on the eventId anyway.
    /// </summary>
    SentNotRemoved,
    /// <summary>Dry run: would have been deleted.</summary>
    WouldPurge,
    Purged,
    PurgeFailed,
    /// <summary>Matched when listed, but not received: another receiver holds it or it is gone. Run again.</summary>
    NotFound,
}

/// <summary>One line per message an operation touched: enough to answer "what happened to message X" afterwards.</summary>
public sealed record AuditLine(
    DateTimeOffset Time,
    string Operation,
    string Entity,
    long SequenceNumber,
    string? MessageId,
    string? EventType,
    string? Reason,
    AuditOutcome Outcome,
    string? Target = null,
    string? NewMessageId = null,
    string? Error = null)
{
    public bool IsFailure => Outcome is AuditOutcome.SendFailed or AuditOutcome.SentNotRemoved or AuditOutcome.PurgeFailed or AuditOutcome.NotFound;

    /// <summary>kebab-case, as printed and serialized ("sent-not-removed").</summary>
    public string OutcomeCode => Kebab(Outcome.ToString());

    public static AuditLine For(string operation, DeadLetterMessage message, AuditOutcome outcome, DateTimeOffset time,
        string? target = null, string? newMessageId = null, string? error = null) =>
        new(time, operation, message.Entity, message.SequenceNumber, message.MessageId, message.EventType, message.Reason,
            outcome, target, newMessageId, error);

    /// <summary>key=value pairs on one line, greppable and stable.</summary>
    public override string ToString()
    {
        var line = new StringBuilder()
            .Append(Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(Operation)
            .Append(" entity=").Append(Entity)
            .Append(" seq=").Append(SequenceNumber.ToString(CultureInfo.InvariantCulture))
            .Append(" messageId=").Append(MessageId ?? "-")
            .Append(" eventType=").Append(EventType ?? "-")
            .Append(" reason=").Append(Reason ?? "-")
            .Append(" outcome=").Append(OutcomeCode);
        if (Target is not null) line.Append(" target=").Append(Target);
        if (NewMessageId is not null) line.Append(" newMessageId=").Append(NewMessageId);
        if (Error is not null) line.Append(" error=\"").Append(Error.Replace('"', '\'').ReplaceLineEndings(" ")).Append('"');
        return line.ToString();
    }

    private static string Kebab(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }
}

using System.Text.Json;
using AzureOrders.Contracts;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Checks an operator's repaired body before anything is sent: the same envelope and payload schemas the consumer
/// applies (so a repair that would only be dead-lettered again is refused up front), and the identity of the message
/// unchanged: same eventId (the consumer's dedupe key, so a repair can never make a second effect) and same eventType.
/// </summary>
public static class EditedBody
{
    public static IReadOnlyList<string> Validate(DeadLetterMessage original, ReadOnlyMemory<byte> edited)
    {
        using var document = DeadLetterMessage.TryParse(edited);
        if (document is null) return ["the body is not valid JSON (UTF-8)"];
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return [$"the body is a JSON {root.ValueKind}, not an envelope object"];

        var envelope = SchemaValidator.Instance.CheckEnvelope(root);
        if (!envelope.IsValid) return [.. envelope.Errors.Select(e => "envelope " + e)];

        var errors = new List<string>();
        var eventId = root.GetProperty("eventId").GetString();
        var eventType = root.GetProperty("eventType").GetString()!;
        if (ExpectedEventId(original) is { } expected && !string.Equals(eventId, expected, StringComparison.OrdinalIgnoreCase))
            errors.Add($"/eventId: must stay {expected} (consumers dedupe on it; a repair is the same message, not a new one)");
        if (original.EventType is { } type && MessageCatalog.TryGet(type, out _) && !string.Equals(eventType, type, StringComparison.Ordinal))
            errors.Add($"/eventType: must stay {type} (the message was dead-lettered by a consumer of that type)");
        if (!MessageCatalog.TryGet(eventType, out _))
            errors.Add($"/eventType: unknown message type '{eventType}'");
        else
        {
            var payload = SchemaValidator.Instance.CheckPayload(eventType, root.GetProperty("payload"));
            if (!payload.IsValid) errors.AddRange(payload.Errors.Select(e => "payload " + e));
        }
        return errors;
    }

    /// <summary>The eventId the repair must keep: the original envelope's, else the MessageId (= eventId on the wire) when it is a uuid.</summary>
    private static string? ExpectedEventId(DeadLetterMessage original) =>
        original.EventId is { } id && Guid.TryParse(id, out _) ? id
        : original.MessageId is { } messageId && Guid.TryParse(messageId, out _) ? messageId
        : null;
}

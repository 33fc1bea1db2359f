using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>What the explorer shows of one dead-lettered message: broker metadata, what the body says, and the body itself.</summary>
/// <param name="Entity">The parent entity as <see cref="DeadLetterEntities.KeyOf"/> names it.</param>
/// <param name="SequenceNumber">The message's sequence number in the dead-letter queue: what resubmit and purge act on.</param>
/// <param name="EventType">From the envelope when the body parses, else the eventType/dlq-event-type properties, else the Subject.</param>
/// <param name="EventId">The envelope's eventId when the body parses: consumers dedupe on it, so a resubmit keeps it.</param>
public sealed record DeadLetterMessage(
    string Entity,
    long SequenceNumber,
    string? MessageId,
    string? Subject,
    string? EventType,
    string? EventId,
    string? CorrelationId,
    string? ContentType,
    string? Reason,
    string? Description,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime,
    string? DeadLetterSource,
    IReadOnlyDictionary<string, object> ApplicationProperties,
    BinaryData Body)
{
    public static DeadLetterMessage From(Endpoint endpoint, ServiceBusReceivedMessage message)
    {
        var (bodyType, bodyId) = ReadEnvelopeIds(message.Body);
        var properties = message.ApplicationProperties;
        var eventType = bodyType
            ?? properties.GetValueOrDefault(MessageProperties.EventType) as string
            ?? properties.GetValueOrDefault(DeadLetterProperties.EventType) as string
            ?? (message.Subject == MessageProperties.RedeliverySubject ? null : message.Subject);
        return new DeadLetterMessage(
            DeadLetterEntities.KeyOf(endpoint),
            message.SequenceNumber,
            message.MessageId,
            message.Subject,
            eventType,
            bodyId,
            message.CorrelationId,
            message.ContentType,
            message.DeadLetterReason,
            message.DeadLetterErrorDescription,
            message.DeliveryCount,
            message.EnqueuedTime,
            message.DeadLetterSource,
            properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            message.Body);
    }

    /// <summary>The body for people: indented JSON when it parses, the text when it is UTF-8, else a base64 dump.</summary>
    public string PrettyBody()
    {
        var bytes = Body.ToMemory();
        if (TryParse(bytes) is { } document)
        {
            using (document)
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                    document.WriteTo(writer);
                return Encoding.UTF8.GetString(buffer.ToArray());
            }
        }
        return System.Text.Unicode.Utf8.IsValid(bytes.Span)
            ? Encoding.UTF8.GetString(bytes.Span)
            : $"(binary, {bytes.Length} bytes) {Convert.ToBase64String(bytes.Span)}";
    }

    internal static JsonDocument? TryParse(ReadOnlyMemory<byte> body)
    {
        // Poison messages are exactly the ones that may not parse: never let one stop the listing.
        if (body.IsEmpty || !System.Text.Unicode.Utf8.IsValid(body.Span)) return null;
        try { return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 }); }
        catch (JsonException) { return null; }
    }

    private static (string? EventType, string? EventId) ReadEnvelopeIds(BinaryData body)
    {
        using var document = TryParse(body.ToMemory());
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root) return (null, null);
        return (StringOf(root, "eventType"), StringOf(root, "eventId"));

        static string? StringOf(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

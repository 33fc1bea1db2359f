using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AzureOrders.DeadLetters;

/// <summary>
/// The one JSON shape of the explorer's output (export lines, the ops HTTP answers). Written with Utf8JsonWriter:
/// application property values are of any AMQP type, and the body may not be JSON at all.
/// </summary>
public static class DeadLetterJson
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One message on one line: metadata, then "body" (the JSON itself), "bodyText" (UTF-8 that is not JSON) or "bodyBase64".</summary>
    public static string ToJsonLine(DeadLetterMessage message) => Write(writer => WriteMessage(writer, message));

    public static byte[] ToUtf8(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact)) write(writer);
        return buffer.ToArray();
    }

    public static void WriteMessage(Utf8JsonWriter writer, DeadLetterMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("entity", message.Entity);
        writer.WriteNumber("sequenceNumber", message.SequenceNumber);
        writer.WriteString("messageId", message.MessageId);
        writer.WriteString("subject", message.Subject);
        writer.WriteString("eventType", message.EventType);
        writer.WriteString("eventId", message.EventId);
        writer.WriteString("correlationId", message.CorrelationId);
        writer.WriteString("contentType", message.ContentType);
        writer.WriteString("reason", message.Reason);
        writer.WriteString("description", message.Description);
        writer.WriteNumber("deliveryCount", message.DeliveryCount);
        writer.WriteString("enqueuedTime", message.EnqueuedTime.ToUniversalTime());
        writer.WriteString("deadLetterSource", message.DeadLetterSource);
        writer.WriteStartObject("applicationProperties");
        foreach (var (key, value) in message.ApplicationProperties.OrderBy(p => p.Key, StringComparer.Ordinal))
            WriteValue(writer, key, value);
        writer.WriteEndObject();

        var body = message.Body.ToMemory();
        using var document = DeadLetterMessage.TryParse(body);
        if (document is not null)
        {
            writer.WritePropertyName("body");
            document.WriteTo(writer);
        }
        else if (System.Text.Unicode.Utf8.IsValid(body.Span)) writer.WriteString("bodyText", Encoding.UTF8.GetString(body.Span));
        else writer.WriteBase64String("bodyBase64", body.Span);
        writer.WriteEndObject();
    }

    public static void WriteCount(Utf8JsonWriter writer, DeadLetterCount count)
    {
        writer.WriteStartObject();
        writer.WriteString("entity", count.Entity);
        writer.WriteString("path", count.Path);
        writer.WriteString("consumer", count.Consumer);
        writer.WriteNumber("count", count.Count);
        writer.WriteStartObject("byReason");
        foreach (var (reason, n) in count.ByReason) writer.WriteNumber(reason, n);
        writer.WriteEndObject();
        if (count.Oldest is { } oldest) writer.WriteString("oldest", oldest.ToUniversalTime());
        if (count.Newest is { } newest) writer.WriteString("newest", newest.ToUniversalTime());
        writer.WriteEndObject();
    }

    public static void WriteAudit(Utf8JsonWriter writer, AuditLine line)
    {
        writer.WriteStartObject();
        writer.WriteString("time", line.Time.ToUniversalTime());
        writer.WriteString("operation", line.Operation);
        writer.WriteString("entity", line.Entity);
        writer.WriteNumber("sequenceNumber", line.SequenceNumber);
        writer.WriteString("messageId", line.MessageId);
        writer.WriteString("eventType", line.EventType);
        writer.WriteString("reason", line.Reason);
        writer.WriteString("outcome", line.OutcomeCode);
        if (line.Target is not null) writer.WriteString("target", line.Target);
        if (line.NewMessageId is not null) writer.WriteString("newMessageId", line.NewMessageId);
        if (line.Error is not null) writer.WriteString("error", line.Error);
        writer.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetString(ToUtf8(write));

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case string s: writer.WriteString(key, s); break;
            case bool b: writer.WriteBoolean(key, b); break;
            case int or long or short or byte or sbyte or ushort or uint:
                writer.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumber(key, u); break;
            case double or float: writer.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case decimal d: writer.WriteNumber(key, d); break;
            case DateTime dt: writer.WriteString(key, dt.ToUniversalTime()); break;
            case DateTimeOffset dto: writer.WriteString(key, dto.ToUniversalTime()); break;
            case Guid g: writer.WriteString(key, g); break;
            case byte[] bytes: writer.WriteBase64String(key, bytes); break;
            default: writer.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }
}

using System.Text.Json;

namespace AzureOrders.Contracts;

/// <summary>
/// The JSON body of every message on the wire (events and commands alike), as the seed document's
/// schema defines it plus <see cref="CausationId"/> and <see cref="Source"/>.
/// </summary>
/// <param name="EventId">Unique per message; also the Service Bus MessageId so broker duplicate detection works.</param>
/// <param name="EventType">Versioned type name, e.g. <c>order.placed.v1</c>.</param>
/// <param name="Timestamp">UTC time the fact happened (or the command was issued).</param>
/// <param name="CorrelationId">One per order flow; every message of the flow carries it.</param>
/// <param name="CausationId">EventId of the message that caused this one; null for the first message of a flow.</param>
/// <param name="Source">The producing service (orders, inventory, payments, notifications, saga).</param>
/// <param name="Payload">The type-specific body; see <see cref="MessageCatalog"/> for the record behind each type.</param>
public sealed record Envelope(
    Guid EventId,
    string EventType,
    DateTimeOffset Timestamp,
    Guid CorrelationId,
    Guid? CausationId,
    string? Source,
    JsonElement Payload)
{
    /// <summary>Deserializes the payload as the record registered for <see cref="EventType"/>.</summary>
    public T PayloadAs<T>() where T : class =>
        (T)(Payload.Deserialize(MessageCatalog.Get(EventType).JsonTypeInfo)
            ?? throw new JsonException($"Payload of {EventType} is null."));

    /// <summary>Serializes the envelope to UTF-8 JSON with the contracts' source-generated context.</summary>
    public byte[] ToUtf8Bytes() => JsonSerializer.SerializeToUtf8Bytes(this, ContractsJsonContext.Default.Envelope);
}

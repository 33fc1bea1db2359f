using System.Text.Json;

namespace AzureOrders.Contracts;

/// <summary>A payload that broke its own contract: a producer bug, never published.</summary>
public sealed class ContractViolationException(string messageType, string details)
    : InvalidOperationException($"{messageType} violates its schema: {details}")
{
    public string MessageType { get; } = messageType;
    public string Details { get; } = details;
}

/// <summary>Builds outgoing envelopes; the payload is checked against its schema before it can be stored or published.</summary>
public static class Envelopes
{
    /// <param name="eventId">Deterministic when a retry repeats the creation (see <see cref="DeterministicGuid"/>).</param>
    public static Envelope Create<T>(
        T payload,
        Guid eventId,
        Guid correlationId,
        Guid? causationId,
        string source,
        DateTimeOffset timestamp) where T : class
    {
        var descriptor = MessageCatalog.For<T>();
        var element = JsonSerializer.SerializeToElement(payload, descriptor.JsonTypeInfo);
        var check = SchemaValidator.Instance.CheckPayload(descriptor.Type, element);
        if (!check.IsValid) throw new ContractViolationException(descriptor.Type, check.Describe());
        return new Envelope(eventId, descriptor.Type, timestamp.ToUniversalTime(), correlationId, causationId, source, element);
    }

    /// <summary>A message caused by <paramref name="cause"/>: same correlation, causation = its id, id derived from (cause, handler, index).</summary>
    public static Envelope CausedBy<T>(Envelope cause, string handler, int index, T payload, string source, DateTimeOffset timestamp) where T : class =>
        Create(payload, DeterministicGuid.ForOutgoing(cause.EventId, handler, index), cause.CorrelationId, cause.EventId, source, timestamp);

    public static Envelope Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, ContractsJsonContext.Default.Envelope)
        ?? throw new JsonException("The envelope is null.");
}

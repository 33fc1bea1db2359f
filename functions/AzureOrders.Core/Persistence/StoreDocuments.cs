using System.Text.Json.Serialization;
using AzureOrders.Contracts;

namespace AzureOrders.Persistence;

/// <summary>
/// An outgoing message stored in the same partition (and batch) as the state change that caused it.
/// In the orders container the stream's events are these documents (the events are the outbox).
/// The partition key property differs per container, so exactly one of streamId/orderId/sku is set.
/// </summary>
public sealed record OutboxDocument
{
    public const string KindValue = "outbox";

    public required string Id { get; init; }
    public string? StreamId { get; init; }
    public string? OrderId { get; init; }
    public string? Sku { get; init; }
    public string Kind { get; init; } = KindValue;
    /// <summary>Position in an order stream (orders container only).</summary>
    public long? Version { get; init; }
    public required Envelope Envelope { get; init; }
    public required bool Dispatched { get; init; }
    /// <summary>Epoch milliseconds: numeric so the relay's range query does not depend on date string formats.</summary>
    public required long StoredAtMs { get; init; }
    public long? DispatchedAtMs { get; init; }
    /// <summary>Set once dispatched outside the orders stream, so relayed records expire; stream events never do.</summary>
    public int? Ttl { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }
}

/// <summary>
/// Idempotency key <c>{consumer}:{eventId}</c>, written in the same batch as the effect. Creating it twice
/// fails with 409, which is how a redelivery learns it is a duplicate without an extra read. It lists the
/// outbox ids so a duplicate can republish exactly what the first delivery stored.
/// </summary>
public sealed record DedupeDocument
{
    public const string KindValue = "dedupe";

    public required string Id { get; init; }
    public string? StreamId { get; init; }
    public string? OrderId { get; init; }
    public string? Sku { get; init; }
    public string Kind { get; init; } = KindValue;
    public required string Key { get; init; }
    public required IReadOnlyList<string> OutboxIds { get; init; }
    public required long HandledAtMs { get; init; }
    public required int Ttl { get; init; }

    public static string IdFor(string consumer, Guid eventId) => $"dedupe:{consumer}:{eventId:D}";
}

/// <summary>Where an outbox document lives, so it can be marked dispatched with one patch per partition.</summary>
public sealed record OutboxAddress(string Container, string PartitionKey, string DocumentId);

/// <summary>An outgoing message and the document that stores it.</summary>
public sealed record OutboxEntry(Envelope Envelope, OutboxAddress Address);

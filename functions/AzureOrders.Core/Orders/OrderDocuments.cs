using System.Text.Json.Serialization;

namespace AzureOrders.Orders;

/// <summary>
/// Snapshot at the head of an order stream (orders container, partition = streamId = orderId). It is
/// replaced with If-Match on every append: the optimistic-concurrency guard of the stream. The events
/// themselves are OutboxDocuments with ids event:000001, event:000002, ...
/// </summary>
public sealed record OrderHeadDocument
{
    public const string DocumentId = "head";
    public string Id { get; init; } = DocumentId;
    public required string StreamId { get; init; }
    public string Kind { get; init; } = "head";
    public required string OrderId { get; init; }
    public required string CustomerId { get; init; }
    public required string Status { get; init; }
    public required long Version { get; init; }
    public required long TotalInCents { get; init; }
    public required string Currency { get; init; }
    public required Guid CorrelationId { get; init; }
    /// <summary>Hash of the placing request: a repeat with the same orderId but a different body is refused.</summary>
    public required string RequestHash { get; init; }
    public string? PaymentId { get; init; }
    public string? CancellationReason { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string EventDocumentId(long version) => $"event:{version:D6}";
}

/// <summary>One line of an order's timeline in the read model.</summary>
public sealed record TimelineEntry(Guid EventId, string EventType, DateTimeOffset At, string? Source, string Summary);

/// <summary>
/// The order-views read model (partition = orderId): status plus timeline, built from every service's
/// events. Every field is a function of the SET of events seen, so delivery order and duplicates do not matter.
/// </summary>
public sealed record OrderViewDocument
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public string Kind { get; init; } = "view";
    public string? CustomerId { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<ViewLine>? Items { get; init; }
    public long? TotalInCents { get; init; }
    public string? Currency { get; init; }
    public string? Inventory { get; init; }
    public string? Payment { get; init; }
    public string? PaymentId { get; init; }
    public string? CancellationReason { get; init; }
    public required IReadOnlyList<TimelineEntry> Timeline { get; init; }
    /// <summary>Latest event time seen (not wall-clock of processing, which would differ between replays).</summary>
    public required DateTimeOffset LastEventAt { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }
}

public sealed record ViewLine(string Sku, int Quantity, long UnitPriceInCents);

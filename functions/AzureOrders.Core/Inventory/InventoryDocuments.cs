using System.Text.Json.Serialization;
using AzureOrders.Contracts;

namespace AzureOrders.Inventory;

/// <summary>Stock of one SKU (inventory container, partition = sku). Changed only by conditional patches.</summary>
public sealed record StockDocument
{
    public const string DocumentId = "stock";
    public string Id { get; init; } = DocumentId;
    public required string Sku { get; init; }
    public string Kind { get; init; } = "stock";
    public required int Available { get; init; }
    public required int OnHold { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }
}

/// <summary>
/// What one order holds of one SKU, in the SKU's partition. Created in the same batch as the decrement and
/// deleted in the same batch as the increment: holding twice fails with 409, releasing twice with 404,
/// so a release gives back exactly what was taken, once.
/// </summary>
public sealed record HoldDocument
{
    public required string Id { get; init; }
    public required string Sku { get; init; }
    public string Kind { get; init; } = "hold";
    public required string OrderId { get; init; }
    public required int Quantity { get; init; }
    public required long HeldAtMs { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string IdFor(string orderId) => $"hold:{orderId}";
}

public static class ReservationStatus
{
    public const string Reserved = "RESERVED";
    public const string Failed = "FAILED";
    /// <summary>Released after a reservation, or a tombstone left by a release that came first.</summary>
    public const string Released = "RELEASED";
}

/// <summary>The reservation of one order (reservations container, partition = orderId), with its dedupe keys and outbox.</summary>
public sealed record ReservationDocument
{
    public const string DocumentId = "reservation";
    public string Id { get; init; } = DocumentId;
    public required string OrderId { get; init; }
    public string Kind { get; init; } = "reservation";
    public required string Status { get; init; }
    /// <summary>Exactly what is (or was) held; a release gives back these lines.</summary>
    public required IReadOnlyList<StockLine> Lines { get; init; }
    public string? Reason { get; init; }
    public IReadOnlyList<StockShortage>? Shortages { get; init; }
    /// <summary>Event id of the inventory.released this reservation's release published: a later release command re-publishes that same fact.</summary>
    public Guid? ReleasedEventId { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }
}

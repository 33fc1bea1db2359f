namespace AzureOrders.Contracts;

public sealed record StockLine(string Sku, int Quantity);

/// <summary>inventory.reserve.v1 (command, saga -> Inventory): hold every line for the order, or none.</summary>
public sealed record InventoryReserveV1(string OrderId, IReadOnlyList<StockLine> Items);

/// <summary>
/// inventory.release.v1 (command, saga -> Inventory): give back whatever this order holds. Safe in any
/// order relative to reserve: a release that arrives first leaves a tombstone so a late reserve holds nothing.
/// </summary>
public sealed record InventoryReleaseV1(string OrderId, string Reason);

/// <summary>inventory.reserved.v1: every line is held for the order.</summary>
public sealed record InventoryReservedV1(string OrderId, IReadOnlyList<StockLine> Items);

public sealed record StockShortage(string Sku, int Requested, int Available);

/// <summary>
/// inventory.reservation-failed.v1: nothing is held for the order (any partial hold was released before
/// this was emitted). <see cref="Reason"/>: out-of-stock, unknown-sku or released (a release came first).
/// </summary>
public sealed record InventoryReservationFailedV1(string OrderId, string Reason, IReadOnlyList<StockShortage> Shortages);

/// <summary>inventory.released.v1: exactly <see cref="Items"/> went back to stock (empty when nothing was held).</summary>
public sealed record InventoryReleasedV1(string OrderId, IReadOnlyList<StockLine> Items, string Reason);

public static class ReservationFailureReasons
{
    public const string OutOfStock = "out-of-stock";
    public const string UnknownSku = "unknown-sku";
    public const string Released = "released";
}

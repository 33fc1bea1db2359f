namespace AzureOrders.Contracts;

/// <summary>
/// The one spelling of an order's status: the order head, the read model, the HTTP API, the saga's outcome and its
/// final step all use these values.
/// </summary>
public static class OrderStatus
{
    public const string Placed = "PLACED";
    /// <summary>Accepted, with its events still on their way to the read model (eventual consistency, shown honestly).</summary>
    public const string Processing = "PROCESSING";
    public const string Confirmed = "CONFIRMED";
    public const string Cancelled = "CANCELLED";

    public static bool IsFinal(string? status) => status is Confirmed or Cancelled;
}

namespace AzureOrders.Notifications;

/// <summary>What was sent for an order (notifications container, partition = orderId), one per kind.</summary>
public sealed record NotificationDocument
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public string Kind { get; init; } = "notification";
    public required string NotificationId { get; init; }
    public required string NotificationKind { get; init; }
    public required string Channel { get; init; }
    public required string CustomerId { get; init; }
    public required string Subject { get; init; }
    public required string TriggeredBy { get; init; }
    public required Guid TriggeredByEventId { get; init; }
    public required DateTimeOffset SentAt { get; init; }

    public static string IdFor(string kind) => $"notification:{kind}";
}

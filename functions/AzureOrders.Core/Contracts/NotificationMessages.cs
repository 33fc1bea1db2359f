namespace AzureOrders.Contracts;

/// <summary>
/// notification.sent.v1: the customer was told something about the order. <see cref="Kind"/>:
/// order-placed, order-confirmed or order-cancelled; <see cref="TriggeredBy"/> is the event type that caused it.
/// </summary>
public sealed record NotificationSentV1(
    string OrderId,
    string CustomerId,
    string NotificationId,
    string Kind,
    string Channel,
    string TriggeredBy,
    DateTimeOffset SentAt);

using AzureOrders.Contracts;

namespace AzureOrders.Orders;

/// <summary>
/// Pure projection of the order-views read model. Commutative and idempotent by construction: the timeline
/// is a set keyed by eventId (sorted by time, then id), each field comes from one event type, and status
/// values follow fixed precedences over the set of event types seen, never "the last one applied".
/// </summary>
public static class OrderViewProjection
{
    public static IReadOnlyCollection<string> Types { get; } =
    [
        MessageTypes.OrderPlacedV1, MessageTypes.OrderPlacedV2, MessageTypes.OrderConfirmedV1, MessageTypes.OrderCancelledV1,
        MessageTypes.InventoryReservedV1, MessageTypes.InventoryReservationFailedV1, MessageTypes.InventoryReleasedV1,
        MessageTypes.PaymentCompletedV1, MessageTypes.PaymentFailedV1, MessageTypes.PaymentVoidedV1, MessageTypes.PaymentRefundedV1,
        MessageTypes.NotificationSentV1,
    ];

    public static string OrderIdOf(object payload) => payload switch
    {
        OrderPlacedV2 p => p.OrderId,
        OrderPlacedV1 p => p.OrderId,
        OrderConfirmedV1 p => p.OrderId,
        OrderCancelledV1 p => p.OrderId,
        InventoryReservedV1 p => p.OrderId,
        InventoryReservationFailedV1 p => p.OrderId,
        InventoryReleasedV1 p => p.OrderId,
        PaymentCompletedV1 p => p.OrderId,
        PaymentFailedV1 p => p.OrderId,
        PaymentVoidedV1 p => p.OrderId,
        PaymentRefundedV1 p => p.OrderId,
        NotificationSentV1 p => p.OrderId,
        _ => throw new ArgumentException($"{payload.GetType().Name} does not concern the order view."),
    };

    /// <summary>True when the view already reflects this event (a duplicate changes nothing).</summary>
    public static bool Contains(OrderViewDocument? view, Guid eventId) => view?.Timeline.Any(t => t.EventId == eventId) == true;

    public static OrderViewDocument Apply(OrderViewDocument? view, Envelope envelope, object payload)
    {
        var orderId = OrderIdOf(payload);
        view ??= new OrderViewDocument
        {
            Id = orderId,
            OrderId = orderId,
            Status = OrderStatus.Processing,
            Timeline = [],
            LastEventAt = DateTimeOffset.MinValue,
        };
        if (Contains(view, envelope.EventId)) return view;

        var timeline = view.Timeline
            .Append(new TimelineEntry(envelope.EventId, envelope.EventType, envelope.Timestamp, envelope.Source, Summarize(payload)))
            .OrderBy(t => t.At).ThenBy(t => t.EventId)
            .ToList();
        var types = timeline.Select(t => t.EventType).ToHashSet(StringComparer.Ordinal);

        var next = payload switch
        {
            OrderPlacedV2 p => view with
            {
                CustomerId = p.CustomerId,
                Items = [.. p.Items.Select(i => new ViewLine(i.Sku, i.Quantity, i.UnitPrice.AmountInCents))],
                TotalInCents = p.Total.AmountInCents,
                Currency = p.Total.Currency,
            },
            OrderPlacedV1 p => view with
            {
                CustomerId = p.CustomerId,
                Items = [.. p.Items.Select(i => new ViewLine(i.Sku, i.Quantity, i.PriceInCents))],
                TotalInCents = p.TotalInCents,
                Currency = view.Currency ?? OrderPlacedUpcaster.DefaultCurrency,
            },
            OrderConfirmedV1 p => view with { CustomerId = p.CustomerId, PaymentId = p.PaymentId },
            OrderCancelledV1 p => view with { CustomerId = p.CustomerId, CancellationReason = p.Reason },
            PaymentCompletedV1 p => view with { PaymentId = p.PaymentId },
            NotificationSentV1 p => view with { CustomerId = view.CustomerId ?? p.CustomerId },
            _ => view,
        };

        return next with
        {
            Timeline = timeline,
            LastEventAt = timeline[^1].At,
            Status = types.Contains(MessageTypes.OrderCancelledV1) ? OrderStatus.Cancelled
                : types.Contains(MessageTypes.OrderConfirmedV1) ? OrderStatus.Confirmed
                : OrderStatus.Processing,
            Inventory = types.Contains(MessageTypes.InventoryReleasedV1) ? "RELEASED"
                : types.Contains(MessageTypes.InventoryReservationFailedV1) ? "FAILED"
                : types.Contains(MessageTypes.InventoryReservedV1) ? "RESERVED"
                : null,
            Payment = types.Contains(MessageTypes.PaymentRefundedV1) ? "REFUNDED"
                : types.Contains(MessageTypes.PaymentVoidedV1) ? "VOIDED"
                : types.Contains(MessageTypes.PaymentCompletedV1) ? "CAPTURED"
                : types.Contains(MessageTypes.PaymentFailedV1) ? "FAILED"
                : null,
        };
    }

    private static string Summarize(object payload) => payload switch
    {
        OrderPlacedV2 p => $"Order placed: {p.Items.Sum(i => i.Quantity)} item(s), {p.Total.AmountInCents} {p.Total.Currency} cents",
        OrderPlacedV1 p => $"Order placed: {p.Items.Sum(i => i.Quantity)} item(s), {p.TotalInCents} cents",
        OrderConfirmedV1 => "Order confirmed",
        OrderCancelledV1 p => $"Order cancelled: {p.Reason}",
        InventoryReservedV1 p => $"Stock reserved: {string.Join(", ", p.Items.Select(i => $"{i.Sku} x{i.Quantity}"))}",
        InventoryReservationFailedV1 p => $"Stock reservation failed: {p.Reason}",
        InventoryReleasedV1 p => p.Items.Count == 0 ? "Nothing to release" : $"Stock released: {string.Join(", ", p.Items.Select(i => $"{i.Sku} x{i.Quantity}"))}",
        PaymentCompletedV1 p => $"Payment captured: {p.AmountInCents} {p.Currency} cents",
        PaymentFailedV1 p => $"Payment failed: {p.Reason}",
        PaymentVoidedV1 p => $"Payment voided ({p.Outcome})",
        PaymentRefundedV1 p => $"Payment refunded: {p.AmountInCents} {p.Currency} cents",
        NotificationSentV1 p => $"Customer notified ({p.Kind}, {p.Channel})",
        _ => payload.GetType().Name,
    };
}

using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Notifications;

/// <summary>
/// Choreography: tells the customer an order was placed, confirmed or cancelled. Sends first (the
/// NotificationId is stable per order and kind, so the provider drops a repeat), then records the
/// notification, the dedupe key and notification.sent in one batch: one round trip, no read.
/// </summary>
public sealed class OrderNotificationHandler(Database database, INotificationSender sender, TimeProvider time) : IMessageHandler
{
    public const string Channel = "email";
    private readonly Container _container = database.GetContainer(ContainerNames.Notifications);
    private readonly ContainerSpec _spec = Containers.Get(ContainerNames.Notifications);

    public string Name => "notifications.order";
    public IReadOnlyCollection<string> MessageTypes =>
        [Contracts.MessageTypes.OrderPlacedV1, Contracts.MessageTypes.OrderPlacedV2, Contracts.MessageTypes.OrderConfirmedV1, Contracts.MessageTypes.OrderCancelledV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var (orderId, customerId, kind, subject, body) = context.Payload switch
        {
            OrderPlacedV2 p => (p.OrderId, p.CustomerId, "order-placed", $"We received order {p.OrderId}",
                $"{p.Items.Sum(i => i.Quantity)} item(s), total {p.Total.AmountInCents / 100m:0.00} {p.Total.Currency}."),
            OrderConfirmedV1 p => (p.OrderId, p.CustomerId, "order-confirmed", $"Order {p.OrderId} is confirmed",
                $"Payment {p.PaymentId} captured; your items are on their way."),
            OrderCancelledV1 p => (p.OrderId, p.CustomerId, "order-cancelled", $"Order {p.OrderId} was cancelled",
                $"{p.Description} Nothing was charged."),
            var other => throw new InvariantViolationException($"{other.GetType().Name} is not a notification trigger"),
        };

        // Per (order, kind), not per event: order.placed v1 and v2 of one order must not notify twice.
        var notificationId = $"ntf_{DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"notification|{orderId}|{kind}"):N}";
        await sender.SendAsync(new Notification(notificationId, orderId, customerId, kind, Channel, subject, body), cancellationToken);

        var sentAt = time.GetUtcNow();
        var sent = Envelopes.CausedBy(context.Envelope, Name, 0,
            new NotificationSentV1(orderId, customerId, notificationId, kind, Channel, context.Envelope.EventType, sentAt), Services.Notifications, sentAt);
        var result = await new PartitionWrite(_container, _spec, orderId, time)
            .Create(new NotificationDocument
            {
                Id = NotificationDocument.IdFor(kind),
                OrderId = orderId,
                NotificationId = notificationId,
                NotificationKind = kind,
                Channel = Channel,
                CustomerId = customerId,
                Subject = subject,
                TriggeredBy = context.Envelope.EventType,
                TriggeredByEventId = context.Envelope.EventId,
                SentAt = sentAt,
            })
            .Outbox(sent)
            .Dedupe(context.Consumer, context.Envelope.EventId)
            .ExecuteAsync(cancellationToken);
        return result.Status switch
        {
            PartitionWriteStatus.Committed => HandlerOutcome.Handled(result.Outbox),
            PartitionWriteStatus.Duplicate => HandlerOutcome.AlreadyHandled(ContainerNames.Notifications, orderId),
            // Another event already recorded this kind for the order (v1 and v2 both published): nothing new to say.
            _ => HandlerOutcome.AlreadyHandled(null, orderId),
        };
    }
}

using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Orders.Saga;

/// <summary>
/// The saga as a consumer like any other (consumer "saga", registered by AddOrderSaga), so order.placed and the replies
/// get the same parse/validate/upcast/settlement and delayed retries as every other consumer. It writes no Cosmos
/// state: the Durable instance (id = orderId) is its idempotency key, so it emits nothing through the outbox.
/// </summary>
public sealed class SagaMessageHandler(SagaStarter starter, SagaReplyRouter router, DurableClientAccessor durable) : IMessageHandler
{
    public string Name => "saga";

    public IReadOnlyCollection<string> MessageTypes { get; } =
    [
        Contracts.MessageTypes.OrderPlacedV1, Contracts.MessageTypes.OrderPlacedV2,
        Contracts.MessageTypes.InventoryReservedV1, Contracts.MessageTypes.InventoryReservationFailedV1, Contracts.MessageTypes.InventoryReleasedV1,
        Contracts.MessageTypes.PaymentCompletedV1, Contracts.MessageTypes.PaymentFailedV1, Contracts.MessageTypes.PaymentVoidedV1,
        Contracts.MessageTypes.PaymentRefundedV1,
    ];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var client = durable.Client;
        if (context.Payload is OrderPlacedV2 order)
        {
            var started = await starter.StartAsync(context.Envelope, order, client, cancellationToken);
            return started == StartOutcome.Started ? HandlerOutcome.Handled([]) : HandlerOutcome.AlreadyHandled(null, order.OrderId);
        }
        await router.RouteAsync(context.Envelope, client, cancellationToken);
        return HandlerOutcome.Handled([]);
    }
}

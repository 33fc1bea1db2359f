using AzureOrders.Contracts;
using AzureOrders.Messaging;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Saga;

/// <summary>
/// The saga as a consumer of Core's pipeline (consumer "saga"), so order.placed and the replies get the same
/// parse/validate/upcast/settlement as every other consumer. It writes no Cosmos state: the Durable instance
/// (id = orderId) is its idempotency key, so it emits nothing through the outbox.
/// </summary>
public sealed class SagaMessageHandler(SagaStarter starter, SagaReplyRouter router, DurableTaskClient client) : IMessageHandler
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
        if (context.Payload is OrderPlacedV2 order)
        {
            var started = await starter.StartAsync(context.Envelope, order, client, cancellationToken);
            return started == StartOutcome.Started ? HandlerOutcome.Handled([]) : HandlerOutcome.AlreadyHandled(null, order.OrderId);
        }
        await router.RouteAsync(context.Envelope, client, cancellationToken);
        return HandlerOutcome.Handled([]);
    }
}

/// <summary>
/// Entry point every host calls for the saga's three subscriptions (orders/saga, inventory/saga, payments/saga):
/// raw message in, settlement decision out. The Durable client is per call because the Function App binds one per invocation.
/// </summary>
public sealed class SagaConsumer(SagaStarter starter, SagaReplyRouter router, Hosting.CoreServices core)
{
    public SagaStarter Starter => starter;
    public SagaReplyRouter Router => router;

    public Task<Settlement> ProcessAsync(InboundMessage message, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var pipeline = new MessagePipeline(Services.Saga, [new SagaMessageHandler(starter, router, client)],
            core.Dispatcher, core.Outbox, core.Time, core.Options.Pipeline);
        return pipeline.ProcessAsync(message, cancellationToken);
    }
}

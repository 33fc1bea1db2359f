using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Orders;

/// <summary>
/// Orders' consumer of every service's events (the order-views subscriptions): folds each into the view.
/// Round trips: one point read, one batch (view + dedupe key). A lost ETag race re-reads and re-applies.
/// </summary>
public sealed class OrderViewProjectionHandler(Database database, TimeProvider time) : IMessageHandler
{
    private const int MaxAttempts = 8;
    private readonly Container _views = database.GetContainer(ContainerNames.OrderViews);
    private readonly ContainerSpec _spec = Containers.Get(ContainerNames.OrderViews);

    public string Name => "order-views";
    public IReadOnlyCollection<string> MessageTypes => OrderViewProjection.Types;

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var orderId = OrderViewProjection.OrderIdOf(context.Payload);
        for (var attempt = 1; ; attempt++)
        {
            var current = await _views.TryReadItemAsync<OrderViewDocument>(orderId, new PartitionKey(orderId), cancellationToken);
            // The view is itself keyed by eventId: a redelivery that finds its event there writes nothing.
            if (OrderViewProjection.Contains(current, context.Envelope.EventId)) return HandlerOutcome.AlreadyHandled(null, orderId);

            var next = OrderViewProjection.Apply(current, context.Envelope, context.Payload) with { ETag = null };
            var result = await new PartitionWrite(_views, _spec, orderId, time)
                .ReplaceOrCreate(orderId, next, current?.ETag)
                .Dedupe(context.Consumer, context.Envelope.EventId)
                .ExecuteAsync(cancellationToken);
            switch (result.Status)
            {
                case PartitionWriteStatus.Committed: return HandlerOutcome.Handled([]);
                case PartitionWriteStatus.Duplicate: return HandlerOutcome.AlreadyHandled(null, orderId);
                case PartitionWriteStatus.Rejected when attempt < MaxAttempts:
                    continue; // another event of the same order won the race; fold ours into its result
                default:
                    throw new TransientFailureException($"order view {orderId}: lost {MaxAttempts} concurrency races");
            }
        }
    }
}

using AzureOrders.Contracts;
using AzureOrders.Orders;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Orders.Saga;

public enum RouteOutcome
{
    /// <summary>Raised as an external event on the running instance (buffered there if the saga is not waiting yet).</summary>
    Raised,
    /// <summary>A payment.completed for an order that ended cancelled: payment.refund.v1 was sent.</summary>
    RefundRequested,
    /// <summary>The saga has ended (or never ran) and the reply needs nothing more: a late or duplicate reply.</summary>
    Late,
    /// <summary>A reply the saga does not wait for (payment.refunded).</summary>
    NotAwaited,
}

/// <summary>
/// Raises Inventory and Payments replies as external events on instance orderId. Duplicates are harmless (each
/// wait consumes one event; a second copy stays buffered under a name that is not waited again). A reply that
/// arrives after the saga ended is handled here: captured money for a cancelled order is refunded.
/// </summary>
public sealed class SagaReplyRouter(SagaCommandSender commands, OrderStream orders)
{
    public async Task<RouteOutcome> RouteAsync(Envelope reply, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        if (!SagaEvents.TryMap(reply, out var eventName, out var sagaReply)) return RouteOutcome.NotAwaited;

        var instance = await client.GetInstanceAsync(sagaReply.OrderId, getInputsAndOutputs: false, cancellationToken);
        if (instance is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            await client.RaiseEventAsync(sagaReply.OrderId, eventName, sagaReply, cancellationToken);
            return RouteOutcome.Raised;
        }

        // The saga has ended (or its history was purged). Only one late reply still matters: money captured for an
        // order that did not end confirmed. The void step normally refunded it already; the refund is idempotent.
        if (reply.EventType != MessageTypes.PaymentCompletedV1) return RouteOutcome.Late;
        var head = await orders.ReadHeadAsync(sagaReply.OrderId, cancellationToken);
        if (head is not { Status: OrderStatus.Cancelled }) return RouteOutcome.Late;

        await commands.SendAsync(new PaymentRefundV1(sagaReply.OrderId, $"late-capture-after-cancel:{head.CancellationReason}"),
            sagaReply.OrderId, SagaCommandSteps.LateRefund, 1, reply.CorrelationId, reply.EventId, cancellationToken);
        return RouteOutcome.RefundRequested;
    }
}

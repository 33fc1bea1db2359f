using AzureOrders.Orders;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga.Activities;

/// <param name="CausationId">The payment.completed event.</param>
public sealed record ConfirmOrderInput(string OrderId, string PaymentId, Guid CausationId);

/// <summary>Appends order.confirmed to the order stream (Orders publishes it). Idempotent; refused if the order is already cancelled.</summary>
public sealed class ConfirmOrderActivity(OrderLifecycle orders) : TaskActivity<ConfirmOrderInput, OrderTransition>
{
    public override async Task<OrderTransition> RunAsync(TaskActivityContext context, ConfirmOrderInput input)
    {
        var result = await orders.ConfirmAsync(input.OrderId, input.PaymentId, input.CausationId, CancellationToken.None);
        // Counted where the state changed, once: a retried activity finds it AlreadyApplied.
        if (result.Outcome == TransitionOutcome.Applied) Diagnostics.OrderMetrics.OrdersConfirmed.Add(1);
        return OrderTransition.From(result);
    }
}

using AzureOrders.Orders;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga.Activities;

/// <param name="CausationId">The reply that made the saga give up (null after a timeout).</param>
public sealed record CancelOrderInput(string OrderId, string Reason, string Description, Guid? CausationId);

/// <summary>Appends order.cancelled with a machine-readable reason to the order stream. Runs after compensation, never before.</summary>
public sealed class CancelOrderActivity(OrderLifecycle orders) : TaskActivity<CancelOrderInput, OrderTransition>
{
    public override async Task<OrderTransition> RunAsync(TaskActivityContext context, CancelOrderInput input)
    {
        var result = await orders.CancelAsync(input.OrderId, input.Reason, input.Description, input.CausationId, CancellationToken.None);
        // Counted where the state changed, once: a retried activity finds it AlreadyApplied.
        if (result.Outcome == TransitionOutcome.Applied)
            Diagnostics.OrderMetrics.OrdersCancelled.Add(1, new KeyValuePair<string, object?>(Diagnostics.Telemetry.Tags.Reason, input.Reason));
        return OrderTransition.From(result);
    }
}

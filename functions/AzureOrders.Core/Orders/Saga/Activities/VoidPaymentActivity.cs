using AzureOrders.Contracts;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga.Activities;

/// <summary>
/// Sends payment.void.v1 when the payment state is unknown (timeout): Payments refunds a capture that did happen
/// and leaves a tombstone that fails a capture still in flight, so no money stays captured either way.
/// </summary>
public sealed class VoidPaymentActivity(SagaCommandSender commands) : TaskActivity<CompensationInput, CommandSent>
{
    public override Task<CommandSent> RunAsync(TaskActivityContext context, CompensationInput input) =>
        commands.SendAsync(new PaymentVoidV1(input.OrderId, input.Reason), input.OrderId, SagaCommandSteps.VoidPayment, input.Attempt,
            input.CorrelationId, input.CausationId, CancellationToken.None);
}

using AzureOrders.Contracts;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga.Activities;

/// <param name="CausationId">The inventory.reserved event that let the saga go on to payment.</param>
public sealed record CapturePaymentInput(SagaInput Saga, Guid CausationId);

/// <summary>Sends payment.capture.v1 for the order total (orderId is the Payments idempotency key).</summary>
public sealed class CapturePaymentActivity(SagaCommandSender commands) : TaskActivity<CapturePaymentInput, CommandSent>
{
    public override Task<CommandSent> RunAsync(TaskActivityContext context, CapturePaymentInput input) =>
        commands.SendAsync(new PaymentCaptureV1(input.Saga.OrderId, input.Saga.CustomerId, input.Saga.TotalInCents, input.Saga.Currency),
            input.Saga.OrderId, SagaCommandSteps.CapturePayment, 1, input.Saga.CorrelationId, input.CausationId, CancellationToken.None);
}

using AzureOrders.Orders.Saga;
using AzureOrders.Orders.Saga.Activities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Functions.Saga;

/// <summary>
/// One activity trigger per saga activity, named like the class so the orchestrator's CallActivityAsync finds it.
/// Each resolves the activity from DI (registered by AddOrderSaga) and runs it: no logic here.
/// </summary>
public static class OrderSagaActivities
{
    [Function(nameof(ReserveInventoryActivity))]
    public static Task<CommandSent> ReserveInventory([ActivityTrigger] SagaInput input, string instanceId, FunctionContext context) =>
        Run<ReserveInventoryActivity, SagaInput, CommandSent>(input, instanceId, context);

    [Function(nameof(CapturePaymentActivity))]
    public static Task<CommandSent> CapturePayment([ActivityTrigger] CapturePaymentInput input, string instanceId, FunctionContext context) =>
        Run<CapturePaymentActivity, CapturePaymentInput, CommandSent>(input, instanceId, context);

    [Function(nameof(ReleaseInventoryActivity))]
    public static Task<CommandSent> ReleaseInventory([ActivityTrigger] CompensationInput input, string instanceId, FunctionContext context) =>
        Run<ReleaseInventoryActivity, CompensationInput, CommandSent>(input, instanceId, context);

    [Function(nameof(VoidPaymentActivity))]
    public static Task<CommandSent> VoidPayment([ActivityTrigger] CompensationInput input, string instanceId, FunctionContext context) =>
        Run<VoidPaymentActivity, CompensationInput, CommandSent>(input, instanceId, context);

    [Function(nameof(ConfirmOrderActivity))]
    public static Task<OrderTransition> ConfirmOrder([ActivityTrigger] ConfirmOrderInput input, string instanceId, FunctionContext context) =>
        Run<ConfirmOrderActivity, ConfirmOrderInput, OrderTransition>(input, instanceId, context);

    [Function(nameof(CancelOrderActivity))]
    public static Task<OrderTransition> CancelOrder([ActivityTrigger] CancelOrderInput input, string instanceId, FunctionContext context) =>
        Run<CancelOrderActivity, CancelOrderInput, OrderTransition>(input, instanceId, context);

    private static Task<TOut> Run<TActivity, TIn, TOut>(TIn input, string instanceId, FunctionContext context)
        where TActivity : TaskActivity<TIn, TOut> =>
        context.InstanceServices.GetRequiredService<TActivity>().RunAsync(new ShimActivityContext(typeof(TActivity).Name, instanceId), input);

    private sealed class ShimActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;
        public override string InstanceId { get; } = instanceId;
    }
}

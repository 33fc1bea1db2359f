using AzureOrders.Orders.Saga;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace AzureOrders.Functions.Saga;

/// <summary>
/// Orchestration trigger for the class-based saga in Core (the Durable source generator is not used, so this shim
/// is written by hand). The function name is the orchestrator name the starter schedules.
/// </summary>
public static class OrderSagaOrchestration
{
    [Function(nameof(OrderFulfillmentSaga))]
    public static Task<SagaResult> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new OrderFulfillmentSaga().RunAsync(context, context.GetInput<SagaInput>()
            ?? throw new InvalidOperationException($"{nameof(OrderFulfillmentSaga)} {context.InstanceId} has no input."));
}

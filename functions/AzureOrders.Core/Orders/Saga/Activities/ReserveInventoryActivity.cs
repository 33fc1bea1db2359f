using AzureOrders.Contracts;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga.Activities;

/// <summary>Sends inventory.reserve.v1 for every line of the order (caused by order.placed).</summary>
public sealed class ReserveInventoryActivity(SagaCommandSender commands) : TaskActivity<SagaInput, CommandSent>
{
    public override Task<CommandSent> RunAsync(TaskActivityContext context, SagaInput input) =>
        commands.SendAsync(new InventoryReserveV1(input.OrderId, input.Items), input.OrderId, SagaCommandSteps.ReserveInventory, 1,
            input.CorrelationId, input.PlacedEventId, CancellationToken.None);
}

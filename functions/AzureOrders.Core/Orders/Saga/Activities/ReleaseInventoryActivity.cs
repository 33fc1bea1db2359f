using AzureOrders.Contracts;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga.Activities;

/// <summary>
/// Sends inventory.release.v1. Safe whatever Inventory did: a release before the reserve leaves a tombstone
/// so the late reserve holds nothing, and a second release gives nothing more back.
/// </summary>
public sealed class ReleaseInventoryActivity(SagaCommandSender commands) : TaskActivity<CompensationInput, CommandSent>
{
    public override Task<CommandSent> RunAsync(TaskActivityContext context, CompensationInput input) =>
        commands.SendAsync(new InventoryReleaseV1(input.OrderId, input.Reason), input.OrderId, SagaCommandSteps.ReleaseInventory, input.Attempt,
            input.CorrelationId, input.CausationId, CancellationToken.None);
}

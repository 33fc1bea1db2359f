using Microsoft.DurableTask.Client;

namespace AzureOrders.Orders.Saga;

/// <summary>What the order view or an admin endpoint shows about an order's saga: where it is, and how it ended.</summary>
/// <param name="RuntimeStatus">Durable runtime status (Running, Completed, Failed, ...).</param>
/// <param name="Status">The saga's custom status: step, last reply, deadline of the current wait.</param>
/// <param name="Result">Set once the saga completed.</param>
public sealed record SagaProgress(string OrderId, string RuntimeStatus, SagaStatus? Status, SagaResult? Result, DateTimeOffset LastUpdatedAt)
{
    /// <summary>Null when no saga exists for the order (not started yet, or purged).</summary>
    public static async Task<SagaProgress?> ReadAsync(DurableTaskClient client, string orderId, CancellationToken cancellationToken = default)
    {
        var instance = await client.GetInstanceAsync(orderId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null) return null;
        return new SagaProgress(
            orderId,
            instance.RuntimeStatus.ToString(),
            instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<SagaStatus>(),
            instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<SagaResult>() : null,
            instance.LastUpdatedAt);
    }
}

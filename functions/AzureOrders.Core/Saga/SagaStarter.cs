using AzureOrders.Contracts;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Saga;

public enum StartOutcome
{
    Started,
    /// <summary>An instance with this orderId exists (running or finished): a redelivered order.placed changes nothing.</summary>
    AlreadyStarted,
}

/// <summary>
/// Starts one saga per order: instance id = orderId. Starting twice is a no-op, including after the first saga
/// finished (some backends would otherwise replace a completed instance and run the order again).
/// </summary>
public sealed class SagaStarter(SagaOptions options)
{
    private static readonly SemaphoreSlim[] Gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public static SagaInput InputFor(Envelope placed, OrderPlacedV2 order, SagaOptions options) => new(
        order.OrderId,
        order.CustomerId,
        placed.CorrelationId,
        placed.EventId,
        [.. order.Items.Select(i => new StockLine(i.Sku, i.Quantity))],
        order.Total.AmountInCents,
        order.Total.Currency,
        options.Timeouts,
        options.Retry);

    /// <summary>Host-agnostic entry point for an order.placed (v1 or v2) envelope.</summary>
    public Task<StartOutcome> StartAsync(Envelope placed, DurableTaskClient client, CancellationToken cancellationToken = default) =>
        StartAsync(placed, OrderPlacedUpcaster.ReadAsV2(placed), client, cancellationToken);

    public async Task<StartOutcome> StartAsync(Envelope placed, OrderPlacedV2 order, DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        // Copies of one order.placed handled at the same time in this process (a lost lock, a duplicate publish)
        // take turns: the check-then-schedule below is not atomic on every backend (the in-memory one accepts a
        // second ExecutionStarted for an instance that has not run yet).
        var gate = Gates[(int)((uint)StringComparer.Ordinal.GetHashCode(order.OrderId) % (uint)Gates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await client.GetInstanceAsync(order.OrderId, getInputsAndOutputs: false, cancellationToken) is not null)
                return StartOutcome.AlreadyStarted;
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(nameof(OrderFulfillmentSaga), InputFor(placed, order, options),
                    new StartOrchestrationOptions(order.OrderId), cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Another host raced past the check and started it; anything else propagates (transient).
                if (await ExistsAsync(client, order.OrderId, cancellationToken)) return StartOutcome.AlreadyStarted;
                throw;
            }
            // Hold the gate until the instance is visible, so the next copy's check sees it.
            for (var i = 0; i < 100 && !await ExistsAsync(client, order.OrderId, cancellationToken); i++)
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            return StartOutcome.Started;
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<bool> ExistsAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }
}

using AzureOrders.Contracts;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Orders.Saga;

public enum StartOutcome
{
    Started,
    /// <summary>An instance with this orderId exists (running or finished): a redelivered order.placed changes nothing.</summary>
    AlreadyStarted,
}

/// <summary>
/// Starts one saga per order: instance id = orderId. Starting twice is a no-op, including after the first saga
/// finished: the start asks the backend to refuse an id that exists in any terminal status (dedupe statuses), and the
/// Durable Azure Storage backend (Azure's default) also refuses one that is still running. The in-memory backend of
/// local test hosts honours neither, so there <see cref="SagaOptions.SerializeStarts"/> adds an in-process gate.
/// </summary>
public sealed class SagaStarter(Microsoft.Extensions.Options.IOptions<SagaOptions> options)
{
    private static readonly SemaphoreSlim[] Gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private static readonly OrchestrationRuntimeStatus[] Terminal =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

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
        if (!options.Value.SerializeStarts) return await StartOnceAsync(placed, order, client, cancellationToken);
        var gate = Gates[(int)((uint)StringComparer.Ordinal.GetHashCode(order.OrderId) % (uint)Gates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            var outcome = await StartOnceAsync(placed, order, client, cancellationToken);
            // Hold the gate until the instance is visible, so the next copy's check sees it.
            for (var i = 0; outcome == StartOutcome.Started && i < 100 && !await ExistsAsync(client, order.OrderId, cancellationToken); i++)
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            return outcome;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<StartOutcome> StartOnceAsync(Envelope placed, OrderPlacedV2 order, DurableTaskClient client, CancellationToken cancellationToken)
    {
        // A cheap read first: a redelivered order.placed usually finds its saga, and then nothing is scheduled.
        if (await client.GetInstanceAsync(order.OrderId, getInputsAndOutputs: false, cancellationToken) is not null)
            return StartOutcome.AlreadyStarted;
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(OrderFulfillmentSaga), InputFor(placed, order, options.Value),
                new StartOrchestrationOptions(order.OrderId).WithDedupeStatuses(Terminal), cancellationToken);
            return StartOutcome.Started;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Another host raced past the check and started it (the backend refused the duplicate); anything else
            // propagates as a transient failure.
            if (await ExistsAsync(client, order.OrderId, cancellationToken)) return StartOutcome.AlreadyStarted;
            throw;
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

using System.Diagnostics;
using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Demo;
using AzureOrders.LocalHost.Faults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Benchmarks;

public sealed record OrderRunFigures(int Orders, TimeSpan Elapsed, long CosmosRequests, long Deliveries, IReadOnlyDictionary<string, long> HandledFirstTime,
    IReadOnlyDictionary<string, long> CosmosRequestsByKind)
{
    public double OrdersPerSecond => Orders / Elapsed.TotalSeconds;

    public double DeliveriesPerOrder => Deliveries / (double)Orders;

    /// <summary>First-time handled events by the services' pipelines (the saga's endpoint has no Cosmos dedupe key).</summary>
    public long PipelineHandled => HandledFirstTime.Where(p => p.Key != AzureOrders.Contracts.Services.Saga).Sum(p => p.Value);
}

/// <summary>
/// Places orders over the HTTP API and waits until every saga has ended and no endpoint holds a message, watching
/// only things that cost no Cosmos request (the Durable client, broker peeks), so the counted round trips are the
/// system's own, not the observer's.
/// </summary>
public sealed class OrderDriver(LocalSystem system)
{
    public async Task<OrderRunFigures> RunAsync(IReadOnlyList<DemoOrder> orders, int concurrency, TimeSpan patience, CancellationToken cancellationToken)
    {
        var roundTrips = system.Services.GetRequiredService<CosmosRoundTrips>();
        var statistics = system.Services.GetRequiredService<ConsumerStatistics>();
        var faults = system.Services.GetRequiredService<FaultInjector>();
        var durable = system.Services.GetRequiredService<DurableTaskClient>();
        var requestsBefore = roundTrips.Requests;
        var kindsBefore = roundTrips.ByKind;
        var deliveriesBefore = statistics.Deliveries;
        var handledBefore = faults.HandledFirstTime;

        using var http = new HttpClient { BaseAddress = system.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (order, ct) =>
        {
            using var content = new StringContent(order.ToJson(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("orders", content, ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {order.OrderId}: {(int)response.StatusCode}");
        });

        var deadline = stopwatch.Elapsed + patience;
        var pending = orders.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            if (stopwatch.Elapsed > deadline) throw new TimeoutException($"{pending.Count} sagas still running, e.g. {pending.First()}");
            foreach (var id in pending.ToList())
            {
                var instance = await durable.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
                if (instance is { IsCompleted: true }) pending.Remove(id);
            }
            if (pending.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        await DrainAsync(deadline - stopwatch.Elapsed, cancellationToken);
        var elapsed = stopwatch.Elapsed;

        var handledAfter = faults.HandledFirstTime;
        var handled = handledAfter.ToDictionary(p => p.Key, p => p.Value - handledBefore.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        var kinds = roundTrips.ByKind.ToDictionary(p => p.Key, p => p.Value - kindsBefore.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        return new OrderRunFigures(orders.Count, elapsed, roundTrips.Requests - requestsBefore, statistics.Deliveries - deliveriesBefore, handled, kinds);
    }

    /// <summary>Waits until two peeks in a row find every endpoint empty (events after the saga's end: notifications, read model).</summary>
    private async Task DrainAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var client = system.Services.GetRequiredService<ServiceBusClient>();
        var stopwatch = Stopwatch.StartNew();
        var quiet = 0;
        while (quiet < 2)
        {
            if (stopwatch.Elapsed > patience) throw new TimeoutException("endpoints still hold messages");
            long active = 0;
            foreach (var endpoint in system.Get<AzureOrders.Messaging.Dispatch.MessageDispatcher>().Endpoints)
            {
                await using var receiver = endpoint.SubscriptionName is { } subscription
                    ? client.CreateReceiver(endpoint.EntityName, subscription)
                    : client.CreateReceiver(endpoint.EntityName);
                active += (await receiver.PeekMessagesAsync(10, cancellationToken: cancellationToken)).Count;
            }
            quiet = active == 0 ? quiet + 1 : 0;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public static IReadOnlyList<DemoOrder> Happy(string runId, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new DemoOrder($"bench_{runId}_happy_{i:D4}", $"cust_{i % 97}", DemoScenario.Happy, [("SPROCKET-005", 1, 150)]))];

    /// <summary>Declined cards: reserve, capture fails, release, cancel (the compensated path).</summary>
    public static IReadOnlyList<DemoOrder> Compensated(string runId, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new DemoOrder($"bench_{runId}_comp_{i:D4}", $"cust_decline_{i}", DemoScenario.Declined, [("SPROCKET-005", 1, 150)]))];
}

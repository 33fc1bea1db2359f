using AzureOrders.Contracts;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Demo;
using AzureOrders.LocalHost.Faults;
using AzureOrders.Orders;
using AzureOrders.Payments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Reliability.Tests;

public sealed record FlowResult(
    IReadOnlyDictionary<string, OrderViewDocument> Finals,
    IReadOnlyList<InvariantResult> Invariants,
    IReadOnlyDictionary<string, long> NewDeadLetters,
    int PostAttempts,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, long> CosmosRequestsByKind)
{
    /// <summary>Cosmos requests of the run per order, by container and operation, largest first.</summary>
    public string CosmosRequests => string.Join(", ", CosmosRequestsByKind.Where(p => p.Value > 0).OrderByDescending(p => p.Value)
        .Select(p => $"{p.Key} {p.Value / (double)Math.Max(1, Finals.Count):F1}"));

    public int Count(string status) => Finals.Values.Count(v => v.Status == status);

    public string FailedInvariants => string.Join(Environment.NewLine, Invariants.Where(i => !i.Holds).Select(i => $"{i.Invariant}: {i.Detail}"));

    public string Summary =>
        $"{Finals.Count} final ({string.Join(", ", Finals.Values.GroupBy(v => v.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}) in {Elapsed.TotalSeconds:F1} s; " +
        $"cancelled by reason: {string.Join(", ", Finals.Values.Where(v => v.Status == OrderStatus.Cancelled).GroupBy(v => v.CancellationReason ?? "none").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; " +
        $"POST attempts {PostAttempts}; new dead-letters: {(NewDeadLetters.Count == 0 ? "none" : string.Join(", ", NewDeadLetters.Select(p => $"{p.Key} {p.Value}")))}";
}

/// <summary>
/// Drives orders through the running system the way a client would (POST, retried on 429/5xx since the order id
/// makes it idempotent; GET until final), then, with faults off, drains the broker and checks DESIGN's invariants.
/// </summary>
public sealed class OrderFlow(LocalSystem system, FaultInjector faults)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <param name="settle">Runs after every order is final and before the checks (e.g. waiting for late replies to be compensated).</param>
    /// <param name="maxOpenOrders">
    /// Closed loop: at most this many orders placed and not yet ended at once, as a client that waits for answers would.
    /// A thousand orders posted at once queue for minutes on this machine and then meet the saga's timeouts, which
    /// would test overload rather than what a run is about (duplicates, crashes).
    /// </param>
    public async Task<FlowResult> RunAsync(IReadOnlyList<DemoOrder> orders, TimeSpan patience, int concurrency = 16,
        Func<IReadOnlyDictionary<string, OrderViewDocument>, Task>? settle = null, int maxOpenOrders = int.MaxValue)
    {
        var (catalog, ledger, gateway) = (system.Get<AzureOrders.Contracts.IProductCatalog>(), system.Get<AzureOrders.Inventory.StockLedger>(), system.Get<AzureOrders.Payments.IPaymentGateway>());
        var stockBefore = new Dictionary<string, (int, int)>();
        foreach (var product in catalog.All)
            if (await ledger.ReadAsync(product.Sku, CancellationToken.None) is { } stock) stockBefore[product.Sku] = (stock.Available, stock.OnHold);
        var capturedBefore = ((SimulatedPaymentGateway)gateway).Captured.Values.Sum();
        var deadLettersBefore = await DeadLettersAsync();
        var roundTrips = system.Services.GetRequiredService<CosmosRoundTrips>();
        var requestsBefore = roundTrips.ByKind;

        using var http = new HttpClient { BaseAddress = system.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var stopwatch = Stopwatch.StartNew();
        var deadline = stopwatch.Elapsed + patience;
        var attempts = 0;
        var durable = system.Services.GetRequiredService<DurableTaskClient>();
        // The Durable client's answer costs no Cosmos request, unlike asking the API.
        async Task<bool> SagaEndedAsync(string orderId) => await durable.GetInstanceAsync(orderId, getInputsAndOutputs: false) is { IsCompleted: true };
        using var open = new SemaphoreSlim(Math.Min(maxOpenOrders, orders.Count));
        var placed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var placing = new CancellationTokenSource();
        var watcher = maxOpenOrders >= orders.Count ? Task.CompletedTask : Task.Run(async () =>
        {
            // Frees a slot for each saga that ended.
            var watching = new List<string>();
            while (!placing.IsCancellationRequested || !placed.IsEmpty || watching.Count > 0)
            {
                while (placed.TryDequeue(out var id)) watching.Add(id);
                foreach (var id in watching.ToList())
                    if (await SagaEndedAsync(id)) { watching.Remove(id); open.Release(); }
                if (placing.IsCancellationRequested && placed.IsEmpty) break;
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        });
        try
        {
            await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (order, ct) =>
            {
                if (!await open.WaitAsync(deadline - stopwatch.Elapsed, ct)) throw new TimeoutException($"no order ended within the patience; {order.OrderId} was never placed");
                placed.Enqueue(order.OrderId);
                for (var attempt = 1; ; attempt++)
                {
                    Interlocked.Increment(ref attempts);
                    using var content = new StringContent(order.ToJson(), Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync("orders", content, ct);
                    if (response.IsSuccessStatusCode) return;
                    var retriable = response.StatusCode is HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                    if (!retriable || stopwatch.Elapsed > deadline)
                        throw new InvalidOperationException($"POST {order.OrderId} answered {(int)response.StatusCode} on attempt {attempt}: {await response.Content.ReadAsStringAsync(ct)}");
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Min(attempt, 10)), ct);
                }
            });
        }
        finally
        {
            placing.Cancel();
        }
        await watcher;

        var finals = new System.Collections.Concurrent.ConcurrentDictionary<string, OrderViewDocument>(StringComparer.Ordinal);
        var pending = orders.Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0 && stopwatch.Elapsed < deadline)
        {
            // Ask the API only about orders whose saga has ended: polling a thousand views every pass would load
            // Cosmos and the CPU more than the orders themselves.
            var ended = new List<string>();
            foreach (var orderId in pending)
                if (await SagaEndedAsync(orderId)) ended.Add(orderId);
            await Parallel.ForEachAsync(ended, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (orderId, ct) =>
            {
                // Under injected faults a read may fail: that order is simply asked again on the next pass.
                using var response = await http.GetAsync($"orders/{orderId}", ct);
                if (!response.IsSuccessStatusCode) return;
                // Until the read model has the order, the answer is a PROCESSING placeholder, not a view.
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
                if (json.RootElement.GetProperty("status").GetString() is OrderStatus.Confirmed or OrderStatus.Cancelled)
                    finals[orderId] = json.RootElement.Deserialize<OrderViewDocument>(Web)!;
            });
            pending.ExceptWith(finals.Keys);
            if (pending.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        var elapsed = stopwatch.Elapsed;
        var requests = roundTrips.ByKind.ToDictionary(p => p.Key, p => p.Value - requestsBefore.GetValueOrDefault(p.Key), StringComparer.Ordinal);

        // The checks read the stores: they run fault-free (the faults were the test, not the measuring stick).
        faults.Reset();
        if (settle is not null) await settle(finals);
        var active = await DrainAsync(TimeSpan.FromSeconds(60));
        // Read the views again once the broker is quiet: events after the final one (notifications) are in by now.
        foreach (var orderId in finals.Keys.ToList())
            if (await JsonSerializer.DeserializeAsync<OrderViewDocument>(await http.GetStreamAsync($"orders/{orderId}"), Web) is { } view) finals[orderId] = view;
        var deadLettersAfter = await DeadLettersAsync();
        var newDeadLetters = deadLettersAfter.Where(p => p.Value > deadLettersBefore.GetValueOrDefault(p.Key))
            .ToDictionary(p => p.Key, p => p.Value - deadLettersBefore.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        var invariants = await InvariantChecks.CheckAsync(ledger, gateway, orders, finals, stockBefore, capturedBefore, active,
            newDeadLetters.GetValueOrDefault(string.Empty), CancellationToken.None);
        return new FlowResult(finals, invariants, newDeadLetters, attempts, elapsed, requests);
    }

    /// <summary>Waits until two peeks in a row find every endpoint empty; returns what is still active at the end.</summary>
    public async Task<long> DrainAsync(TimeSpan patience)
    {
        var stopwatch = Stopwatch.StartNew();
        var quiet = 0;
        long active;
        do
        {
            active = 0;
            foreach (var endpoint in system.Get<AzureOrders.Messaging.Dispatch.MessageDispatcher>().Endpoints)
            {
                await using var receiver = Receiver(endpoint, SubQueue.None);
                active += (await receiver.PeekMessagesAsync(10)).Count;
            }
            quiet = active == 0 ? quiet + 1 : 0;
            if (quiet < 2) await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (quiet < 2 && stopwatch.Elapsed < patience);
        return active;
    }

    /// <summary>Dead-lettered messages by reason over every endpoint (the empty string counts those without a reason).</summary>
    public async Task<IReadOnlyDictionary<string, long>> DeadLettersAsync(Func<ServiceBusReceivedMessage, bool>? filter = null)
    {
        var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var message in await DeadLetteredAsync())
            if (filter?.Invoke(message) != false)
                byReason[message.DeadLetterReason ?? string.Empty] = byReason.GetValueOrDefault(message.DeadLetterReason ?? string.Empty) + 1;
        return byReason;
    }

    public async Task<IReadOnlyList<ServiceBusReceivedMessage>> DeadLetteredAsync()
    {
        var all = new List<ServiceBusReceivedMessage>();
        foreach (var endpoint in system.Get<AzureOrders.Messaging.Dispatch.MessageDispatcher>().Endpoints)
        {
            await using var receiver = Receiver(endpoint, SubQueue.DeadLetter);
            long? from = null;
            while (true)
            {
                var batch = await receiver.PeekMessagesAsync(250, from);
                if (batch.Count == 0) break;
                all.AddRange(batch);
                from = batch[^1].SequenceNumber + 1;
            }
        }
        return all;
    }

    private ServiceBusReceiver Receiver(Messaging.Endpoint endpoint, SubQueue subQueue)
    {
        var client = system.Services.GetRequiredService<ServiceBusClient>();
        var options = new ServiceBusReceiverOptions { SubQueue = subQueue };
        return endpoint.SubscriptionName is { } subscription
            ? client.CreateReceiver(endpoint.EntityName, subscription, options)
            : client.CreateReceiver(endpoint.EntityName, options);
    }
}

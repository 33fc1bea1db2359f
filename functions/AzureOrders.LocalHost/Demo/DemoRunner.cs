using AzureOrders.Contracts;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using AzureOrders.Orders;
using AzureOrders.Payments;

namespace AzureOrders.LocalHost.Demo;

public sealed record DemoOptions
{
    public int Orders { get; init; } = 500;
    public int Seed { get; init; } = 42;
    public int Concurrency { get; init; } = 32;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}

public sealed record DemoReport(
    int Orders,
    IReadOnlyDictionary<string, int> ByFinalState,
    IReadOnlyDictionary<string, int> CancellationReasons,
    int Compensations,
    IReadOnlyDictionary<string, long> DeadLettersByReason,
    double MessagesPerOrder,
    double CosmosRoundTripsPerOrder,
    double OrdersPerSecond,
    TimeSpan P50,
    TimeSpan P95,
    TimeSpan P99,
    IReadOnlyList<InvariantResult> Invariants)
{
    public bool Passed => Invariants.All(i => i.Holds);
}

/// <summary>
/// Places a realistic mix of orders over the HTTP API, shows progress, waits for every order to reach its final
/// state, then reports and checks the invariants of DESIGN against the stores.
/// </summary>
public sealed class DemoRunner(LocalSystem system, TextWriter output, TimeProvider time)
{
    private static readonly string[] CompensationEvents = ["inventory.released.v1", "payment.voided.v1", "payment.refunded.v1"];

    public async Task<DemoReport> RunAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        var stock = system.Get<Inventory.StockLedger>();
        var paymentGateway = system.Get<Payments.IPaymentGateway>();
        var statistics = system.Services.GetRequiredService<ConsumerStatistics>();
        var roundTrips = system.Services.GetRequiredService<CosmosRoundTrips>();
        var runId = time.GetUtcNow().ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        var orders = DemoOrders.Create(options.Orders, options.Seed, runId);

        var stockBefore = new Dictionary<string, (int, int)>();
        foreach (var product in system.Get<Contracts.IProductCatalog>().All)
            if (await stock.ReadAsync(product.Sku, cancellationToken) is { } level) stockBefore[product.Sku] = (level.Available, level.OnHold);
        var capturedBefore = paymentGateway is SimulatedPaymentGateway gateway ? gateway.Captured.Values.Sum() : 0;
        var deliveriesBefore = statistics.Deliveries;
        var roundTripsBefore = roundTrips.Requests;

        using var http = new HttpClient { BaseAddress = system.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        output.WriteLine($"Placing {orders.Count} orders (seed {options.Seed}) at {system.BaseAddress}orders ...");
        var started = Stopwatch.StartNew();

        using var progress = new CancellationTokenSource();
        var finals = new System.Collections.Concurrent.ConcurrentDictionary<string, OrderViewDocument>();
        var placed = 0;
        var progressTask = ReportProgressAsync(() => (placed, finals.Count), orders.Count, progress.Token);

        using var gate = new SemaphoreSlim(options.Concurrency);
        await Task.WhenAll(orders.Select(async order =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                using var content = new StringContent(order.ToJson(), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("orders", content, cancellationToken);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"POST {order.OrderId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                Interlocked.Increment(ref placed);
            }
            finally
            {
                gate.Release();
            }
        }));

        var deadline = started.Elapsed + options.Timeout;
        var pending = orders.Select(o => o.OrderId).ToHashSet();
        while (pending.Count > 0 && started.Elapsed < deadline)
        {
            await Parallel.ForEachAsync(pending.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (orderId, ct) =>
            {
                using var response = await http.GetAsync($"orders/{orderId}", ct);
                if (!response.IsSuccessStatusCode) return;
                // Until the read model has the order, the answer is a PROCESSING placeholder, not a view.
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
                if (json.RootElement.GetProperty("status").GetString() is OrderStatus.Confirmed or OrderStatus.Cancelled)
                    finals[orderId] = json.RootElement.Deserialize<OrderViewDocument>(WebJson)!;
            });
            pending.ExceptWith(finals.Keys);
            if (pending.Count > 0) await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }
        var elapsed = started.Elapsed;
        await progress.CancelAsync();
        await progressTask;

        var (active, deadLetters, withoutReason) = await DrainAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var invariants = await InvariantChecks.CheckAsync(stock, paymentGateway, orders, finals, stockBefore, capturedBefore, active, withoutReason, cancellationToken);

        var latencies = finals.Values.Select(LatencyOf).OfType<TimeSpan>().Order().ToList();
        return new DemoReport(
            orders.Count,
            finals.Values.GroupBy(v => v.Status).ToDictionary(g => g.Key, g => g.Count()),
            finals.Values.Where(v => v.Status == OrderStatus.Cancelled).GroupBy(v => v.CancellationReason ?? "unknown").ToDictionary(g => g.Key, g => g.Count()),
            finals.Values.Sum(v => v.Timeline.Count(t => CompensationEvents.Contains(t.EventType))),
            deadLetters,
            (statistics.Deliveries - deliveriesBefore) / (double)orders.Count,
            (roundTrips.Requests - roundTripsBefore) / (double)orders.Count,
            finals.Count / elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            invariants);
    }

    public static void Print(DemoReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Orders: {report.Orders}");
        foreach (var (state, count) in report.ByFinalState.OrderBy(p => p.Key)) output.WriteLine($"  {state,-10} {count,6}");
        foreach (var (reason, count) in report.CancellationReasons.OrderBy(p => p.Key)) output.WriteLine($"    cancelled, {reason}: {count}");
        output.WriteLine($"Compensations run: {report.Compensations} (inventory released, payments voided or refunded)");
        output.WriteLine(report.DeadLettersByReason.Count == 0
            ? "Dead-letters: none"
            : "Dead-letters: " + string.Join(", ", report.DeadLettersByReason.Select(p => $"{p.Key} {p.Value}")));
        output.WriteLine($"Messages per order: {report.MessagesPerOrder:F1}   Cosmos round trips per order: {report.CosmosRoundTripsPerOrder:F1}");
        output.WriteLine($"Throughput: {report.OrdersPerSecond:F1} orders/s");
        output.WriteLine($"Placed -> final latency: p50 {report.P50.TotalMilliseconds:F0} ms, p95 {report.P95.TotalMilliseconds:F0} ms, p99 {report.P99.TotalMilliseconds:F0} ms");
        output.WriteLine("Invariants:");
        foreach (var invariant in report.Invariants)
            output.WriteLine($"  [{(invariant.Holds ? "ok" : "FAILED")}] {invariant.Invariant}: {invariant.Detail}");
    }

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static TimeSpan? LatencyOf(OrderViewDocument view)
    {
        var placedAt = view.Timeline.FirstOrDefault(t => t.EventType.StartsWith("order.placed.", StringComparison.Ordinal))?.At;
        var finalAt = view.Timeline.FirstOrDefault(t => t.EventType == InvariantChecks.FinalEventOf(view))?.At;
        return placedAt is { } p && finalAt is { } f ? f - p : null;
    }

    private static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double q) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>Waits until no endpoint holds an active message, then counts dead-letters by reason.</summary>
    private async Task<(long Active, IReadOnlyDictionary<string, long> DeadLetters, long WithoutReason)> DrainAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var client = system.Services.GetRequiredService<ServiceBusClient>();
        var endpoints = system.Get<Messaging.Dispatch.MessageDispatcher>().Endpoints;
        var deadline = time.GetUtcNow() + patience;
        long active;
        while (true)
        {
            active = 0;
            foreach (var endpoint in endpoints) active += await PeekCountAsync(client, endpoint, SubQueue.None, cancellationToken);
            if (active == 0 || time.GetUtcNow() > deadline) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }

        var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
        long withoutReason = 0;
        foreach (var endpoint in endpoints)
        {
            await using var receiver = CreateReceiver(client, endpoint, SubQueue.DeadLetter);
            long? from = null;
            while (true)
            {
                var batch = await receiver.PeekMessagesAsync(100, from, cancellationToken);
                if (batch.Count == 0) break;
                foreach (var message in batch)
                {
                    if (string.IsNullOrEmpty(message.DeadLetterReason)) withoutReason++;
                    else byReason[message.DeadLetterReason] = byReason.GetValueOrDefault(message.DeadLetterReason) + 1;
                }
                from = batch[^1].SequenceNumber + 1;
            }
        }
        return (active, byReason, withoutReason);
    }

    private static async Task<long> PeekCountAsync(ServiceBusClient client, Messaging.Endpoint endpoint, SubQueue subQueue, CancellationToken cancellationToken)
    {
        await using var receiver = CreateReceiver(client, endpoint, subQueue);
        return (await receiver.PeekMessagesAsync(100, cancellationToken: cancellationToken)).Count;
    }

    private static ServiceBusReceiver CreateReceiver(ServiceBusClient client, Messaging.Endpoint endpoint, SubQueue subQueue)
    {
        var options = new ServiceBusReceiverOptions { SubQueue = subQueue };
        return endpoint.SubscriptionName is { } subscription
            ? client.CreateReceiver(endpoint.EntityName, subscription, options)
            : client.CreateReceiver(endpoint.EntityName, options);
    }

    private async Task ReportProgressAsync(Func<(int Placed, int Final)> read, int total, CancellationToken stop)
    {
        var interactive = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interactive ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(2), time, stop);
                var (placedCount, finalCount) = read();
                var line = $"  placed {placedCount}/{total}, final {finalCount}/{total}";
                if (interactive) output.Write("\r" + line + "   ");
                else output.WriteLine(line);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        if (interactive) output.WriteLine();
    }
}

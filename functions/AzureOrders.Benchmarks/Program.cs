using System.Diagnostics;
using AzureOrders.Benchmarks;
using AzureOrders.Contracts;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Demo;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using Microsoft.Extensions.DependencyInjection;

// dotnet run -c Release --project functions/AzureOrders.Benchmarks -- all [--orders 500] [--messages 20000] [--sample 100]
var command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "all";
if (command is not ("all" or "system" or "transport" or "serialization") || args.Contains("--help"))
{
    Console.Error.WriteLine("usage: AzureOrders.Benchmarks [all|system|transport|serialization] [--orders 500] [--concurrency 8] [--messages 20000] [--sample 100] [--calls 16] [--prefetch 16]");
    return 2;
}
var demoOrders = IntOption("--orders", 500);
var messages = IntOption("--messages", 20_000);
var sample = IntOption("--sample", 100);
// The demo's own default is 32 concurrent POSTs; on a loaded 2-core machine that queues requests past its 30 s client timeout.
var concurrency = IntOption("--concurrency", 8);
var results = new List<(string Figure, string Value, string Target)>();
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(40));
var ct = cancel.Token;

var cores = File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal));
Console.WriteLine($"Machine: {cores} cores (the runtime is told {Environment.ProcessorCount}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GB, " +
    $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start, .NET {Environment.Version}");

// A representative envelope's size sets the transport ceiling's body size.
var envelopeBytes = SampleEnvelopeBytes();
var messagesPerOrder = 0.0;
var ordersPerSecond = 0.0;
var cosmosRequestsPerOrder = 0.0;
CosmosCeiling.Figures? cosmosCeiling = null;

if (command is "all" or "system")
{
    try
    {
        var options = new LocalSystemOptions
        {
            Port = 0,
            Processors = new AzureOrders.ServiceBus.ProcessorOptions { MaxConcurrentCalls = IntOption("--calls", 16), PrefetchCount = IntOption("--prefetch", 16) },
            Configuration = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                // Shutdown cancels in-flight Durable work items and it logs each as a failure: noise for a benchmark.
                ["Logging:LogLevel:Microsoft.DurableTask"] = "Critical",
            },
        };
        await using var system = await LocalSystem.StartAsync(options, cancellationToken: ct);
        var pid = Environment.ProcessId;

        // Memory and end-to-end throughput: the demo's mix (500 orders) twice in the same process. The driver, not
        // DemoRunner: its 30 s POST timeout is too short for a shared machine under load (see docs/performance.md).
        var runId = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var driver = new OrderDriver(system);
        // Each run from the catalog's stock, so that run 2 meets the same mix (not the SKUs run 1 sold out).
        await system.Get<AzureOrders.Inventory.StockLedger>().SeedAsync(system.Get<AzureOrders.Contracts.IProductCatalog>().All, ct);
        var demo1 = await driver.RunAsync(DemoOrders.Create(demoOrders, 42, $"{runId}a"), concurrency, TimeSpan.FromMinutes(15), ct);
        var peak1 = EmulatorMemory.PeakOf(pid);
        await system.Get<AzureOrders.Inventory.StockLedger>().SeedAsync(system.Get<AzureOrders.Contracts.IProductCatalog>().All, ct);
        var demo2 = await driver.RunAsync(DemoOrders.Create(demoOrders, 43, $"{runId}b"), concurrency, TimeSpan.FromMinutes(15), ct);
        var peak2 = EmulatorMemory.PeakOf(pid);
        // One outbox relay pass over what two demo runs stored (the embedded server answers its query by reading every document).
        var relayClock = Stopwatch.StartNew();
        await system.Get<AzureOrders.Persistence.OutboxRelay>().RelayOnceAsync(TimeSpan.FromSeconds(30), cancellationToken: ct);
        results.Add(($"Outbox relay pass after {2 * demoOrders} orders (embedded Cosmos server: queries read every document)", $"{relayClock.Elapsed.TotalMilliseconds:F0} ms", ""));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var workingSetAfter = Process.GetCurrentProcess().WorkingSet64;
        foreach (var (name, run) in new[] { ("demo mix run 1", demo1), ("demo mix run 2", demo2) })
            Console.WriteLine($"{name}: {run.Orders} orders in {run.Elapsed.TotalSeconds:F1} s, {run.OrdersPerSecond:F2} orders/s, {run.DeliveriesPerOrder:F2} deliveries/order, {run.CosmosRequests / (double)run.Orders:F1} Cosmos requests/order");
        messagesPerOrder = demo1.DeliveriesPerOrder;
        cosmosRequestsPerOrder = demo1.CosmosRequests / (double)demo1.Orders;
        ordersPerSecond = demo1.OrdersPerSecond;
        results.Add(("Orders/s through the whole local system (demo mix, run 1 / run 2)", $"{demo1.OrdersPerSecond:F2} / {demo2.OrdersPerSecond:F2}", ""));
        results.Add(("Deliveries per order (demo mix)", $"{demo1.DeliveriesPerOrder:F2}", ""));
        results.Add(("Runner peak working set after demo run 1", Mb(peak1), "< 512 MB"));
        results.Add(("Runner peak working set after demo run 2 (same process)", $"{Mb(peak2)} (growth {100.0 * (peak2 - peak1) / peak1:F1}%)", "growth <= 10%"));
        results.Add(("Runner working set after both runs and a full GC", Mb(workingSetAfter), ""));

        // Cosmos round trips per order, happy and compensated, against the naive dedupe (check, handle, mark).
        var backend = system.Services.GetRequiredService<EmbeddedDurableBackend>();
        foreach (var (path, orders) in new[] { ("happy", OrderDriver.Happy(runId, sample)), ("compensated", OrderDriver.Compensated(runId, sample)) })
        {
            var run = await driver.RunAsync(orders, 16, TimeSpan.FromMinutes(5), ct);
            var ours = run.CosmosRequests / (double)run.Orders;
            var handledPerOrder = run.PipelineHandled / (double)run.Orders;
            var naive = ours + 2 * handledPerOrder;
            Console.WriteLine($"{path}: {run.Orders} orders, {run.CosmosRequests} Cosmos requests, {run.PipelineHandled} events handled by the services' pipelines " +
                $"({string.Join(", ", run.HandledFirstTime.Select(p => $"{p.Key} {p.Value}"))}), {run.Deliveries} deliveries");
            Console.WriteLine($"  Cosmos requests per order by kind: {string.Join(", ", run.CosmosRequestsByKind.Where(p => p.Value > 0).OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value / (double)run.Orders:F1}"))}");
            results.Add(($"Cosmos round trips per order, {path}: ours vs naive", $"{ours:F1} vs {naive:F1} ({100 * (1 - ours / naive):F0}% fewer)", ">= 30% fewer"));

            var history = HistoryPerSaga(backend, orders.Select(o => o.OrderId));
            results.Add(($"Durable history events per saga, {path}", history, "small"));
        }

        // What the Cosmos server and SDK sustain alone from this process, with the system idle.
        cosmosCeiling = await CosmosCeiling.MeasureAsync(system.Get<Microsoft.Azure.Cosmos.Database>(), 4000, 16, ct);
        results.Add(("Cosmos alone (embedded server, SDK gateway mode, 16 in flight): point reads / 1-op batches", $"{cosmosCeiling.ReadsPerSecond:F0} / {cosmosCeiling.BatchesPerSecond:F0} per s", ""));
    }
    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
    {
        // One failed section (e.g. a timeout on a loaded machine) must not hide the others' figures.
        Console.WriteLine(e);
        results.Add(("System section", $"FAILED: {e.GetType().Name}: {e.Message.Split('\n')[0]}", ""));
    }
}

if (command is "all" or "transport")
{
    try
    {
        await using (var emulator = await TransportCeiling.StartQueueAsync("ceiling"))
        {
            var ceiling = await TransportCeiling.MeasureAsync(messages, envelopeBytes, emulator.ConnectionString, "ceiling", ct);
            results.Add(($"Transport ceiling: send+receive+complete, in-process emulator, {messages} x {envelopeBytes} B", $"{ceiling:F0} msg/s", ""));
            if (messagesPerOrder > 0)
            {
                var efficiency = ordersPerSecond / (ceiling / messagesPerOrder);
                results.Add(("Transport efficiency: orders/s / (ceiling / deliveries per order)", $"{efficiency:F2}", ">= 0.5"));
                if (cosmosCeiling is not null && cosmosRequestsPerOrder > 0)
                {
                    // An upper bound with everything but Cosmos free: half the requests are reads, half batches.
                    var cosmosRate = 2 / (1 / cosmosCeiling.ReadsPerSecond + 1 / cosmosCeiling.BatchesPerSecond);
                    var bound = cosmosRate / cosmosRequestsPerOrder;
                    results.Add(("Orders/s if Cosmos were the only cost (its rate alone / requests per order), and the efficiency that allows",
                        $"{bound:F1} orders/s -> efficiency at most {bound / (ceiling / messagesPerOrder):F2}", ""));
                }
            }
        }
        var (peak, afterStart, rate) = await EmulatorMemory.MeasureAsync(messages, envelopeBytes, ct);
        results.Add(($"Emulator (own process) peak working set through {messages} messages", $"{Mb(peak)} (after start {Mb(afterStart)}; {rate:F0} msg/s)", "< 256 MB"));
    }
    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
    {
        // One failed section (e.g. a timeout on a loaded machine) must not hide the others' figures.
        Console.WriteLine(e);
        results.Add(("Transport section", $"FAILED: {e.GetType().Name}: {e.Message.Split('\n')[0]}", ""));
    }
}

if (command is "all" or "serialization")
{
    // In process (no separate build: minutes on this machine), short runs: a ratio, not an absolute figure.
    var config = ManualConfig.CreateMinimumViable()
        .AddJob(Job.ShortRun.WithToolchain(InProcessNoEmitToolchain.Instance))
        .WithOptions(ConfigOptions.DisableLogFile);
    var summary = BenchmarkRunner.Run<SerializationBenchmarks>(config);
    double Mean(string method) => summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics?.Mean ?? double.NaN;
    double Alloc(string method) => summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).GcStats.GetBytesAllocatedPerOperation(summary.Reports.First(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).BenchmarkCase) ?? 0;
    foreach (var op in new[] { "Encode", "Decode" })
    {
        var generated = Mean($"{op}_source_generated");
        var reflection = Mean($"{op}_reflection");
        results.Add(($"Envelope {op.ToLowerInvariant()}: source-generated vs reflection (mean ns, allocated B)",
            $"{generated:F0} ns / {Alloc($"{op}_source_generated"):F0} B vs {reflection:F0} ns / {Alloc($"{op}_reflection"):F0} B (reflection/generated {reflection / generated:F2}x)", "ratio"));
    }
}

Console.WriteLine();
Console.WriteLine($"Results (load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; figures on a shared machine are indicative):");
var width = results.Count == 0 ? 10 : results.Max(r => r.Figure.Length);
foreach (var (figure, value, target) in results)
    Console.WriteLine($"  {figure.PadRight(width)}  {value}{(target.Length > 0 ? $"   [target: {target}]" : "")}");
return 0;

static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):F0} MB";

static int SampleEnvelopeBytes()
{
    var payload = new OrderPlacedV1("ord_123", "cust_456", [new OrderLineV1("WIDGET-001", 2, 1999)], 3998);
    var envelope = new Envelope(Guid.NewGuid(), MessageTypes.OrderPlacedV1, DateTimeOffset.UtcNow, Guid.NewGuid(), Guid.NewGuid(), Services.Orders,
        System.Text.Json.JsonSerializer.SerializeToElement(payload, ContractsJsonContext.Default.OrderPlacedV1));
    return envelope.ToUtf8Bytes().Length;
}

// History events as of each saga's last checkpoint, counted by the embedded backend (the in-memory store itself serves none).
static string HistoryPerSaga(EmbeddedDurableBackend backend, IEnumerable<string> instanceIds)
{
    var counts = instanceIds.Select(backend.HistoryLengthOf).Where(n => n > 0).ToList();
    return counts.Count == 0 ? "no instances" : $"{counts.Average():F1} (min {counts.Min()}, max {counts.Max()}, {counts.Count} sagas)";
}

int IntOption(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}

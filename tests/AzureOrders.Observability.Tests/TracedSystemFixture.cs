using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AzureOrders.LocalHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// The AzureOrders Meter and ActivitySource are process-wide: one local system at a time keeps the numbers exact.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AzureOrders.Observability.Tests;

/// <summary>
/// One local runner with in-memory exporters and a known scenario: two orders that confirm and one the payment
/// simulator declines. Every test reads what that scenario exported.
/// </summary>
public sealed class TracedSystemFixture : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly LockedList<MetricSnapshot> _metricSink;

    public TracedSystemFixture() => _metricSink = new LockedList<MetricSnapshot>(_metrics);
    private readonly List<LogRecord> _logs = [];
    private LocalSystem? _system;

    public LocalSystem System => _system ?? throw new InvalidOperationException("not started");

    public string HappyOrderId { get; } = $"ord_trace_{Guid.NewGuid():N}";

    public string SecondOrderId { get; } = $"ord_trace_{Guid.NewGuid():N}";

    public string DeclinedOrderId { get; } = $"ord_trace_{Guid.NewGuid():N}";

    public IReadOnlyList<Activity> Spans { get { lock (_spans) return [.. _spans]; } }

    public IReadOnlyList<LogRecord> Logs { get { lock (_logs) return [.. _logs]; } }

    public async Task InitializeAsync()
    {
        _system = await LocalSystem.StartAsync(new LocalSystemOptions
        {
            Port = 0,
            ServiceBusPort = 0,
            GatewayLatency = TimeSpan.Zero,
            LagSampleInterval = TimeSpan.FromMilliseconds(200),
            ConfigureTelemetry = telemetry => telemetry
                .WithTracing(t => t.AddInMemoryExporter(new LockedList<Activity>(_spans)))
                .WithMetrics(m => m.AddInMemoryExporter(_metricSink))
                .WithLogging(l => l.AddInMemoryExporter(new LockedList<LogRecord>(_logs))),
        });
        using var http = new HttpClient { BaseAddress = System.BaseAddress };
        await PlaceAsync(http, HappyOrderId, "cust_456", "WIDGET-001", 2, 1999);
        await PlaceAsync(http, SecondOrderId, "cust_789", "WIDGET-001", 1, 1999);
        await PlaceAsync(http, DeclinedOrderId, "cust_decline_1", "GIZMO-003", 1, 999);
        foreach (var (orderId, expected) in new[] { (HappyOrderId, "CONFIRMED"), (SecondOrderId, "CONFIRMED"), (DeclinedOrderId, "CANCELLED") })
            Assert.Equal(expected, await FinalStatusAsync(http, orderId));
    }

    public async Task DisposeAsync()
    {
        if (_system is not null) await _system.DisposeAsync();
    }

    /// <summary>The spans of one order's trace, once <paramref name="complete"/> holds for them (spans arrive as they end).</summary>
    public async Task<IReadOnlyList<Activity>> TraceOfAsync(string orderId, Func<IReadOnlyList<Activity>, bool> complete)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<Activity> trace = [];
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var spans = Spans;
            var root = spans.FirstOrDefault(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("azureorders.order_id"), orderId));
            if (root is not null)
            {
                trace = [.. spans.Where(s => s.TraceId == root.TraceId)];
                if (complete(trace)) return trace;
            }
            await Task.Delay(50);
        }
        return trace;
    }

    /// <summary>Sum of a metric's points (optionally filtered by tag) in the latest cumulative export; 0 when never recorded.</summary>
    public double Sum(string name, Func<MetricPoint, bool>? filter = null)
    {
        System.Services.GetRequiredService<MeterProvider>().ForceFlush();
        MetricSnapshot? latest;
        lock (_metrics) latest = _metrics.LastOrDefault(m => m.Name == name);
        if (latest is null) return 0;
        double sum = 0;
        foreach (var point in latest.MetricPoints)
        {
            if (filter is not null && !filter(point)) continue;
            sum += latest.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                MetricType.LongGauge => point.GetGaugeLastValueLong(),
                MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                MetricType.Histogram => point.GetHistogramCount(),
                _ => 0,
            };
        }
        return sum;
    }

    /// <summary>The points of a metric in the latest export.</summary>
    public IReadOnlyList<MetricPoint> Points(string name)
    {
        System.Services.GetRequiredService<MeterProvider>().ForceFlush();
        MetricSnapshot? latest;
        lock (_metrics) latest = _metrics.LastOrDefault(m => m.Name == name);
        return latest is null ? [] : [.. latest.MetricPoints];
    }

    /// <summary>Polls <see cref="Sum"/> until it equals <paramref name="expected"/> or the deadline passes; returns the last value.</summary>
    public async Task<double> SumEventuallyAsync(string name, double expected, Func<MetricPoint, bool>? filter = null)
    {
        var deadline = Stopwatch.StartNew();
        var value = Sum(name, filter);
        while (value != expected && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
            value = Sum(name, filter);
        }
        return value;
    }

    private static async Task PlaceAsync(HttpClient http, string orderId, string customerId, string sku, int quantity, long price)
    {
        var body = $$"""{"orderId":"{{orderId}}","customerId":"{{customerId}}","items":[{"sku":"{{sku}}","quantity":{{quantity}},"priceInCents":{{price}}}],"totalInCents":{{quantity * price}}}""";
        var response = await http.PostAsync("orders", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<string> FinalStatusAsync(HttpClient http, string orderId)
    {
        var deadline = Stopwatch.StartNew();
        string? status = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync($"orders/{orderId}"));
            status = json.RootElement.GetProperty("status").GetString();
            if (status is "CONFIRMED" or "CANCELLED") return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{orderId} is still {status} after 60 s");
    }

    /// <summary>The exporter adds from many threads (every consumer ends spans); the tests read meanwhile.</summary>
    private sealed class LockedList<T>(List<T> inner) : ICollection<T>
    {
        public int Count { get { lock (inner) return inner.Count; } }
        public bool IsReadOnly => false;
        public void Add(T item) { lock (inner) inner.Add(item); }
        public void Clear() { lock (inner) inner.Clear(); }
        public bool Contains(T item) { lock (inner) return inner.Contains(item); }
        public void CopyTo(T[] array, int arrayIndex) { lock (inner) inner.CopyTo(array, arrayIndex); }
        public bool Remove(T item) { lock (inner) return inner.Remove(item); }
        public IEnumerator<T> GetEnumerator() { lock (inner) return inner.ToList().GetEnumerator(); }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

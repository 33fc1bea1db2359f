using System.Globalization;
using System.Net;
using System.Text;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Answers chosen Cosmos requests with a fault on the wire, below the SDK (it is the HttpClient's handler, set through
/// <see cref="CosmosClientOptions.HttpClientFactory"/>), so the SDK's own retry policies run first, exactly as against a
/// real account. Scripted rather than random like LocalHost's reliability injector: a test says which requests fail,
/// with what, and how many times, and reads back how many it failed.
/// </summary>
public sealed class CosmosWireFaults : DelegatingHandler
{
    private Func<HttpRequestMessage, bool> _which = _ => false;
    private HttpStatusCode _status;
    private TimeSpan? _retryAfter;
    private int _remaining;
    private int _injected;

    public CosmosWireFaults() : base(CosmosClients.CreateHandler()) { }

    /// <summary>Faults answered so far.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Client options that send every request through <paramref name="faults"/>.</summary>
    public static Action<CosmosClientOptions> Under(CosmosWireFaults faults) =>
        options => options.HttpClientFactory = () => new HttpClient(faults, disposeHandler: false);

    /// <summary>
    /// A harness whose Cosmos client sends every request through <paramref name="faults"/>. A 429 reaches our code only
    /// after the SDK's own throttling retries; none here, so that it does at once.
    /// </summary>
    public static Task<CoreHarness> StartHarnessAsync(CosmosServerFixture fixture, CosmosWireFaults faults) =>
        CoreHarness.StartAsync(fixture, configureClient: options =>
        {
            Under(faults)(options);
            options.MaxRetryAttemptsOnRateLimitedRequests = 0;
        });

    /// <summary>The next <paramref name="times"/> requests matching <paramref name="which"/> get <paramref name="status"/> instead of reaching the server.</summary>
    public void Fail(Func<HttpRequestMessage, bool> which, HttpStatusCode status, int times = int.MaxValue, TimeSpan? retryAfter = null)
    {
        _which = which;
        _status = status;
        _retryAfter = retryAfter;
        Volatile.Write(ref _remaining, times);
    }

    public void Stop() => Volatile.Write(ref _remaining, 0);

    /// <summary>A transactional batch: every handler's commit (state + dedupe key + outbox in one round trip).</summary>
    public static bool Batch(HttpRequestMessage request) =>
        request.Headers.TryGetValues("x-ms-cosmos-is-batch-request", out var values) && values.Any(v => v.Equals("True", StringComparison.OrdinalIgnoreCase));

    /// <summary>A point read of one item.</summary>
    public static bool PointRead(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri?.AbsolutePath.Contains("/docs/", StringComparison.Ordinal) == true;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!_which(request) || !TakeOne()) return base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref _injected);
        var response = new HttpResponseMessage(_status)
        {
            RequestMessage = request,
            Content = new StringContent($$"""{"code":"{{_status}}","message":"injected by the test"}""", Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("x-ms-activity-id", Guid.Empty.ToString());
        response.Headers.TryAddWithoutValidation("x-ms-request-charge", "0");
        if (_retryAfter is { } after)
            response.Headers.TryAddWithoutValidation("x-ms-retry-after-ms", ((long)after.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        return Task.FromResult(response);
    }

    private bool TakeOne()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0) return false;
            if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining) return true;
        }
    }
}

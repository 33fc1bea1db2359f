using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;

namespace AzureOrders.LocalHost.Faults;

/// <summary>
/// Fault injection for reliability runs and benchmarks. Inert until a rate is set; rates can change while the
/// system runs, so startup (containers, seeding) and the final checks run fault-free. Each fault stands for
/// what production sees: Cosmos 429/503 arriving on the wire (below the SDK's own retries), Service Bus
/// ServerBusy on a send attempt, a process crash at a step of the pipeline, and broker redelivery.
/// </summary>
public sealed class FaultInjector : IDispatchObserver
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly ConcurrentDictionary<int, long> _completedAtDelivery = new();
    private readonly ConcurrentDictionary<int, long> _sendAttempts = new();
    private readonly ConcurrentDictionary<string, long> _handledFirstTime = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _crashesBySource = new(StringComparer.Ordinal);
    private long _cosmos429, _cosmos503, _serverBusy, _crashAfterWrite, _crashAfterPublish, _crashBeforeSettle, _extraDeliveries;

    public FaultInjector(int seed = 1) => _random = new Random(seed);

    /// <summary>
    /// Share of Cosmos item requests answered 429 or 503 instead of reaching the server; three in four are 429, as
    /// throttling dominates real accounts. (At half and half, one message in ~1,300 needed all ten deliveries: the
    /// SDK does not retry a 503 on a write. See docs/reliability.md.)
    /// </summary>
    public double CosmosFaultRate { get; set; }

    /// <summary>Share of Service Bus send attempts refused with ServerBusy.</summary>
    public double ServiceBusBusyRate { get; set; }

    /// <summary>Share of publishes that "crash" after the state and outbox were committed, before sending (pipeline, PlaceOrder, saga activities).</summary>
    public double CrashAfterStateWriteRate { get; set; }

    /// <summary>Share of publishes that send and then "crash" before the outbox entry is marked dispatched.</summary>
    public double CrashAfterPublishRate { get; set; }

    /// <summary>Share of handled deliveries that "crash" before settling: the message comes back (as after a lost lock).</summary>
    public double CrashBeforeSettleRate { get; set; }

    /// <summary>Each message is delivered 1 to 1 + this many times (chosen at random per message id) before it is completed.</summary>
    public int MaxExtraDeliveries { get; set; }

    public void Reset()
    {
        CosmosFaultRate = ServiceBusBusyRate = CrashAfterStateWriteRate = CrashAfterPublishRate = CrashBeforeSettleRate = 0;
        MaxExtraDeliveries = 0;
    }

    public FaultCounters Counters => new(
        Interlocked.Read(ref _cosmos429), Interlocked.Read(ref _cosmos503), Interlocked.Read(ref _serverBusy),
        Interlocked.Read(ref _crashAfterWrite), Interlocked.Read(ref _crashAfterPublish), Interlocked.Read(ref _crashBeforeSettle),
        Interlocked.Read(ref _extraDeliveries),
        new SortedDictionary<int, long>(_completedAtDelivery), new SortedDictionary<int, long>(_sendAttempts));

    /// <summary>Deliveries each consumer handled for the first time (not duplicates), including ones later held back.</summary>
    public IReadOnlyDictionary<string, long> HandledFirstTime => new SortedDictionary<string, long>(_handledFirstTime, StringComparer.Ordinal);

    internal bool Roll(double rate)
    {
        if (rate <= 0) return false;
        lock (_gate) return _random.NextDouble() < rate;
    }

    internal int NextInt(int maxExclusive)
    {
        lock (_gate) return _random.Next(maxExclusive);
    }

    internal HttpStatusCode? NextCosmosFault()
    {
        if (!Roll(CosmosFaultRate)) return null;
        if (Roll(0.75))
        {
            Interlocked.Increment(ref _cosmos429);
            return (HttpStatusCode)429;
        }
        Interlocked.Increment(ref _cosmos503);
        return HttpStatusCode.ServiceUnavailable;
    }

    internal void CountServerBusy() => Interlocked.Increment(ref _serverBusy);

    internal void CountSendAttempts(int attempts) => _sendAttempts.AddOrUpdate(attempts, 1, (_, n) => n + 1);

    internal void CountCrashAfterWrite(string? source)
    {
        Interlocked.Increment(ref _crashAfterWrite);
        _crashesBySource.AddOrUpdate(source ?? "unknown", 1, (_, n) => n + 1);
    }

    internal void CountCrashAfterPublish(string? source)
    {
        Interlocked.Increment(ref _crashAfterPublish);
        _crashesBySource.AddOrUpdate(source ?? "unknown", 1, (_, n) => n + 1);
    }

    /// <summary>Publish crashes by the publishing service; "saga" ones happened inside saga activities (command sends).</summary>
    public IReadOnlyDictionary<string, long> PublishCrashesBySource => new SortedDictionary<string, long>(_crashesBySource, StringComparer.Ordinal);

    /// <summary>
    /// Decides, after the pipeline handled a delivery successfully, whether the host "loses" it instead of completing:
    /// a crash before settling, or a planned duplicate delivery. Either way the broker delivers it again.
    /// </summary>
    public bool HandBack(Messaging.Endpoint endpoint, InboundMessage message, Settlement settlement)
    {
        if (settlement is not Settlement.Complete complete) return false;
        // First-time handled events per consumer (the benchmark's naive variant pays two round trips for each).
        if (!complete.Duplicate) _handledFirstTime.AddOrUpdate(endpoint.Consumer, 1, (_, n) => n + 1);
        if (MaxExtraDeliveries > 0 && message.DeliveryCount <= DuplicatesFor(message.MessageId ?? ""))
        {
            Interlocked.Increment(ref _extraDeliveries);
            return true;
        }
        // Never past half the broker's patience: a crash loop would dead-letter a good message (that is another test).
        if (message.DeliveryCount < 5 && Roll(CrashBeforeSettleRate))
        {
            Interlocked.Increment(ref _crashBeforeSettle);
            return true;
        }
        // The n-th try of a message overall: redeliveries by the broker plus delayed retries (copies start at delivery 1).
        if (settlement is Settlement.Complete)
            _completedAtDelivery.AddOrUpdate(message.DeliveryCount + message.RetryCount, 1, (_, n) => n + 1);
        return false;
    }

    /// <summary>Extra deliveries for one message: stable per id (a hash, not the shared random), so a redelivery sees the same plan.</summary>
    private int DuplicatesFor(string messageId)
    {
        var hash = 17u;
        foreach (var b in Encoding.UTF8.GetBytes(messageId)) hash = unchecked(hash * 31 + b);
        return (int)(hash % (uint)(MaxExtraDeliveries + 1));
    }
}

/// <param name="CompletedAtDelivery">How many messages completed on their first, second, ... try (broker deliveries plus delayed retries: the retry distribution).</param>
/// <param name="SendAttempts">How many publishes needed 1, 2, ... attempts under ServerBusy.</param>
public sealed record FaultCounters(
    long Cosmos429,
    long Cosmos503,
    long ServerBusy,
    long CrashesAfterStateWrite,
    long CrashesAfterPublish,
    long CrashesBeforeSettle,
    long ExtraDeliveries,
    IReadOnlyDictionary<int, long> CompletedAtDelivery,
    IReadOnlyDictionary<int, long> SendAttempts)
{
    public override string ToString() =>
        $"cosmos 429 {Cosmos429}, 503 {Cosmos503}; ServerBusy {ServerBusy}; crashes after state write {CrashesAfterStateWrite}, after publish {CrashesAfterPublish}, before settle {CrashesBeforeSettle}; extra deliveries {ExtraDeliveries}; " +
        $"completed at delivery [{string.Join(", ", CompletedAtDelivery.Select(p => $"{p.Key}: {p.Value}"))}]; send attempts [{string.Join(", ", SendAttempts.Select(p => $"{p.Key}: {p.Value}"))}]";
}

/// <summary>
/// Answers Cosmos item requests with 429 (with a retry-after) or 503 on the wire, under the SDK, so the SDK's own
/// bounded retries run first, exactly as against a throttled account; what they do not absorb reaches the pipeline.
/// </summary>
public sealed class CosmosFaultHandler(FaultInjector faults) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Item operations only (documents, batches, queries): account and container metadata stay healthy.
        if (request.RequestUri?.AbsolutePath.Contains("/docs", StringComparison.Ordinal) == true && faults.NextCosmosFault() is { } status)
        {
            var response = new HttpResponseMessage(status)
            {
                RequestMessage = request,
                Content = new StringContent($$"""{"code":"{{status}}","message":"injected fault"}""", Encoding.UTF8, "application/json"),
            };
            response.Headers.TryAddWithoutValidation("x-ms-activity-id", Guid.Empty.ToString());
            response.Headers.TryAddWithoutValidation("x-ms-request-charge", "0");
            if ((int)status == 429) response.Headers.TryAddWithoutValidation("x-ms-retry-after-ms", "5");
            return Task.FromResult(response);
        }
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Wraps the publisher: ServerBusy per send attempt (retried here up to 3 times with backoff, as the Service Bus
/// client's retry policy does, because this sits above the client), and crashes just before or just after the send.
/// </summary>
public sealed class FaultingEventPublisher(IEventPublisher inner, FaultInjector faults, TimeProvider time) : IEventPublisher
{
    private const int MaxRetries = 3;

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (faults.Roll(faults.CrashAfterStateWriteRate))
        {
            faults.CountCrashAfterWrite(message.Envelope.Source);
            throw new InjectedCrashException("crash after the state write, before publishing");
        }
        for (var attempt = 1; ; attempt++)
        {
            if (!faults.Roll(faults.ServiceBusBusyRate))
            {
                faults.CountSendAttempts(attempt);
                break;
            }
            faults.CountServerBusy();
            if (attempt > MaxRetries)
            {
                faults.CountSendAttempts(attempt);
                throw new ServiceBusException("injected: the namespace is busy", ServiceBusFailureReason.ServiceBusy);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20 << attempt), time, cancellationToken);
        }
        await inner.PublishAsync(message, cancellationToken);
        if (faults.Roll(faults.CrashAfterPublishRate))
        {
            faults.CountCrashAfterPublish(message.Envelope.Source);
            throw new InjectedCrashException("crash after publishing, before marking the outbox entry dispatched");
        }
    }
}

/// <summary>Stands for a process dying at that point: the pipeline treats it as an unknown failure and lets the message come back.</summary>
public sealed class InjectedCrashException(string message) : Exception(message);

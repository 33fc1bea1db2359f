using System.Collections.Concurrent;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;

namespace AzureOrders.LocalHost;

/// <summary>What the local consumers did, for the demo summary and the tests (counts only; outcomes live in Cosmos).</summary>
public sealed class ConsumerStatistics : IDispatchObserver
{
    private long _deliveries;
    private long _completed;
    private long _duplicates;
    private long _retries;
    private readonly ConcurrentDictionary<string, long> _deadLetters = new(StringComparer.Ordinal);

    public long Deliveries => Interlocked.Read(ref _deliveries);

    public long Completed => Interlocked.Read(ref _completed);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Retries => Interlocked.Read(ref _retries);

    public IReadOnlyDictionary<string, long> DeadLettersByReason => _deadLetters;

    public void Dispatched(Messaging.Endpoint endpoint, InboundMessage message, DispatchResult result) => Record(result.Settlement);

    public void Record(Settlement settlement)
    {
        Interlocked.Increment(ref _deliveries);
        switch (settlement)
        {
            case Settlement.Complete complete:
                Interlocked.Increment(ref _completed);
                if (complete.Duplicate) Interlocked.Increment(ref _duplicates);
                break;
            case Settlement.Retry:
                Interlocked.Increment(ref _retries);
                break;
            case Settlement.DeadLetter deadLetter:
                _deadLetters.AddOrUpdate(deadLetter.ReasonCode, 1, (_, n) => n + 1);
                break;
        }
    }
}

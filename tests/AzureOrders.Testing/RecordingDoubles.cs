using System.Collections.Concurrent;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;

namespace AzureOrders.Testing;

/// <summary>Records the delayed retries the dispatcher schedules (harnesses without a broker).</summary>
public sealed class RecordingRetryScheduler : IDelayedRetryScheduler
{
    private readonly ConcurrentQueue<DelayedRetry> _scheduled = new();

    public IReadOnlyList<DelayedRetry> Scheduled => [.. _scheduled];

    /// <summary>When set and returning an exception, scheduling fails with it (the broker refused the copy too).</summary>
    public Func<DelayedRetry, Exception?>? FailWhen { get; set; }

    public Task ScheduleAsync(DelayedRetry retry, CancellationToken cancellationToken)
    {
        if (FailWhen?.Invoke(retry) is { } failure) throw failure;
        _scheduled.Enqueue(retry);
        return Task.CompletedTask;
    }
}

/// <summary>Settlement verbs that only record what the dispatcher did (a message handed over without a broker).</summary>
public sealed class RecordingSettlementActions : ISettlementActions
{
    public int Completed { get; private set; }
    public int Abandoned { get; private set; }
    public List<(string Reason, string Description, IReadOnlyDictionary<string, object> Properties)> DeadLettered { get; } = [];

    public Task CompleteAsync(CancellationToken cancellationToken) { Completed++; return Task.CompletedTask; }

    public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken)
    {
        DeadLettered.Add((reason, description, properties));
        return Task.CompletedTask;
    }

    public Task AbandonAsync(CancellationToken cancellationToken) { Abandoned++; return Task.CompletedTask; }
}

/// <summary>Every dispatch the system made, as the broker's log would show it.</summary>
public sealed class DispatchRecorder : IDispatchObserver
{
    private readonly ConcurrentQueue<(Endpoint Endpoint, InboundMessage Message, DispatchResult Result)> _dispatched = new();

    public IReadOnlyList<(Endpoint Endpoint, InboundMessage Message, DispatchResult Result)> All => [.. _dispatched];

    public IReadOnlyList<(Endpoint Endpoint, InboundMessage Message, DispatchResult Result)> DeadLettered =>
        [.. _dispatched.Where(d => d.Result.SettledAs == SettledAs.DeadLettered)];

    public void Dispatched(Endpoint endpoint, InboundMessage message, DispatchResult result) => _dispatched.Enqueue((endpoint, message, result));
}

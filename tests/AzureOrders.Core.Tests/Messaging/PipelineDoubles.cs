using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Messaging;

/// <summary>An outbox store that holds nothing: for pipeline tests whose handlers emit nothing.</summary>
internal sealed class EmptyOutboxStore : IOutboxStore
{
    public Task MarkDispatchedAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken) => Task.CompletedTask;
    public Task<IReadOnlyList<OutboxEntry>> ListUndispatchedAsync(TimeSpan olderThan, int maxItems, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<OutboxEntry>>([]);
    public Task<IReadOnlyList<OutboxEntry>> UndispatchedForAsync(string container, string partitionKey, string consumer, Guid eventId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<OutboxEntry>>([]);
}

/// <summary>Records what reached it; optionally throws to exercise the settlement decisions.</summary>
internal sealed class StubHandler(params string[] types) : IMessageHandler
{
    public List<MessageContext> Received { get; } = [];
    public Func<MessageContext, Exception?>? Throw { get; set; }
    public string Name => "stub";
    public IReadOnlyCollection<string> MessageTypes => types;

    public Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        if (Throw?.Invoke(context) is { } e) throw e;
        Received.Add(context);
        return Task.FromResult(HandlerOutcome.Handled([]));
    }
}

internal static class TestPipelines
{
    public static MessagePipeline Create(string consumer, IMessageHandler handler, MessagingOptions? options = null, TimeProvider? time = null) =>
        new(consumer, [handler], new OutboxPublisher(new RecordingEventPublisher(), new EmptyOutboxStore(), Topology.Default), new EmptyOutboxStore(), time ?? TimeProvider.System, options);
}

/// <summary>Records every wait asked of it and lets it end at once: tests see the delays without spending them.</summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<TimeSpan> _waits = new();

    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        return base.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}

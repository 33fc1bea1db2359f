using System.Collections.Concurrent;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;

namespace AzureOrders.Saga.Tests;

/// <summary>What the bus does with one message for one endpoint (the test's stand-in for broker and network trouble).</summary>
public enum Delivery { Deliver, Hold, Twice }

/// <summary>One settled delivery, as the broker would log it.</summary>
public sealed record Settled(Endpoint Endpoint, OutgoingMessage Message, int DeliveryCount, Settlement Settlement);

/// <summary>
/// The broker side of the saga tests, where they need control no real broker gives: hold a message, deliver it twice,
/// fail a send, return from a send only once everything settled. It follows infra/topology.json (commands to their
/// queue, events to every subscription whose rules let them through, duplicate detection per entity by MessageId) and
/// hands every delivery to the system's one <see cref="MessageDispatcher"/>, exactly as the Function App's triggers and
/// the local runner's processors do: no consumer is special here. The dispatcher's delayed retries come back through
/// <see cref="IDelayedRetryScheduler"/> as scheduled copies for the one endpoint; an abandon is redelivered up to
/// maxDeliveryCount.
/// </summary>
public sealed class InMemoryBus(Topology topology, TimeProvider time) : IEventPublisher, IDelayedRetryScheduler
{
    private readonly ConcurrentDictionary<(string Entity, string MessageId), byte> _seen = new();
    private readonly ConcurrentQueue<OutgoingMessage> _sent = new();
    private readonly ConcurrentQueue<OutgoingMessage> _attempts = new();
    private readonly ConcurrentQueue<Settled> _settled = new();
    private readonly ConcurrentQueue<(Endpoint Endpoint, OutgoingMessage Message)> _held = new();
    private readonly object _gate = new();
    private int _inFlight;
    private TaskCompletionSource _idle = NewIdle();
    private MessageDispatcher? _dispatcher;

    /// <summary>Consumers that get deliveries; others' subscriptions just accumulate (like an unread subscription).</summary>
    public HashSet<string> Consumers { get; } = [Services.Saga, Services.Inventory, Services.Payments];

    public Func<Endpoint, OutgoingMessage, Delivery> Route { get; set; } = (_, _) => Delivery.Deliver;

    /// <summary>When set and returning an exception, the send fails with it (a transient broker fault).</summary>
    public Func<OutgoingMessage, Exception?>? FailSend { get; set; }

    /// <summary>Sends for which the sender returns only once every delivery has settled (forces "reply before the wait").</summary>
    public Func<OutgoingMessage, bool> ReturnWhenIdle { get; set; } = _ => false;

    public IReadOnlyList<OutgoingMessage> Sent => [.. _sent];
    public IReadOnlyList<OutgoingMessage> Attempts => [.. _attempts];
    public IReadOnlyList<Settled> SettledDeliveries => [.. _settled];
    public IReadOnlyList<Settled> DeadLettered => [.. _settled.Where(s => s.Settlement is Settlement.DeadLetter)];
    public int HeldCount => _held.Count;

    public IReadOnlyList<Envelope> SentOf(string eventType) => [.. Sent.Where(m => m.Subject == eventType).Select(m => m.Envelope)];

    public void Connect(MessageDispatcher dispatcher) => _dispatcher = dispatcher;

    public async Task PublishAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(message);
        if (FailSend?.Invoke(message) is { } failure) throw failure;
        var endpoints = message.Route.Kind == EntityKind.Queue
            ? topology.Endpoints.Where(e => e.Kind == EntityKind.Queue && e.EntityName == message.Route.EntityName)
            : topology.SubscribersOf(message.Subject).Where(e => e.EntityName == message.Route.EntityName);
        // Duplicate detection is per entity (queue or topic), as on Service Bus.
        if (!_seen.TryAdd((message.Route.EntityName, message.MessageId), 0)) return;
        _sent.Enqueue(message);
        foreach (var endpoint in endpoints.Where(e => Consumers.Contains(e.Consumer)))
        {
            var inbound = InboundOf(message);
            switch (Route(endpoint, message))
            {
                case Delivery.Hold: _held.Enqueue((endpoint, message)); break;
                case Delivery.Twice:
                    Schedule(endpoint, message, inbound, 1, TimeSpan.Zero);
                    Schedule(endpoint, message, inbound, 2, TimeSpan.FromMilliseconds(300));
                    break;
                default: Schedule(endpoint, message, inbound, 1, TimeSpan.Zero); break;
            }
        }
        if (ReturnWhenIdle(message)) await WaitIdleAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The dispatcher's delayed retry: a copy for this endpoint only, due later, with its retry count.</summary>
    public Task ScheduleAsync(DelayedRetry retry, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, object?>(retry.Message.ApplicationProperties ?? new Dictionary<string, object?>())
        {
            [MessageProperties.RetryCount] = retry.Retry,
            [MessageProperties.RetryOf] = retry.RetryOf,
        };
        var copy = retry.Message with { MessageId = retry.MessageId, DeliveryCount = 1, ApplicationProperties = properties };
        var original = _sent.First(m => m.MessageId == retry.RetryOf);
        var delay = retry.DueAt - time.GetUtcNow();
        Schedule(retry.Endpoint, original, copy, 1, delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        return Task.CompletedTask;
    }

    /// <summary>Delivers held messages that match (a late reply, a slow consumer catching up).</summary>
    public int ReleaseHeld(Func<Endpoint, OutgoingMessage, bool> which)
    {
        var keep = new List<(Endpoint, OutgoingMessage)>();
        var released = 0;
        while (_held.TryDequeue(out var item))
        {
            if (which(item.Endpoint, item.Message)) { Schedule(item.Endpoint, item.Message, InboundOf(item.Message), 1, TimeSpan.Zero); released++; }
            else keep.Add(item);
        }
        foreach (var item in keep) _held.Enqueue(item);
        return released;
    }

    /// <summary>Delivers a message to one endpoint again, as a redelivery after a lost lock would.</summary>
    public Task<Settlement> RedeliverAsync(Endpoint endpoint, OutgoingMessage message, int deliveryCount) =>
        ProcessAsync(endpoint, message, InboundOf(message) with { DeliveryCount = deliveryCount });

    /// <summary>Completes when nothing is in flight (held messages excepted; scheduled retries count as in flight).</summary>
    public async Task WaitIdleAsync(TimeSpan timeout)
    {
        Task idle;
        lock (_gate) idle = _inFlight == 0 ? Task.CompletedTask : _idle.Task;
        await idle.WaitAsync(timeout);
    }

    private void Schedule(Endpoint endpoint, OutgoingMessage message, InboundMessage inbound, int deliveryCount, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_inFlight++ == 0) _idle = NewIdle();
        }
        _ = Task.Run(async () =>
        {
            try
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay, time);
                var actions = new BusSettlement();
                var settlement = await ProcessAsync(endpoint, message, inbound with { DeliveryCount = deliveryCount }, actions);
                if (actions.Abandoned)
                {
                    if (deliveryCount < MaxDeliveryCount(endpoint)) Schedule(endpoint, message, inbound, deliveryCount + 1, TimeSpan.FromMilliseconds(50 * deliveryCount));
                    else _settled.Enqueue(new Settled(endpoint, message, deliveryCount, Settlement.DeadLetter.Create(
                        DeadLetterReason.RetriesExhausted, "MaxDeliveryCountExceeded", endpoint.Consumer, time.GetUtcNow())));
                }
            }
            finally
            {
                lock (_gate)
                {
                    if (--_inFlight == 0) _idle.TrySetResult();
                }
            }
        });
    }

    private async Task<Settlement> ProcessAsync(Endpoint endpoint, OutgoingMessage message, InboundMessage inbound, BusSettlement? actions = null)
    {
        var dispatcher = _dispatcher ?? throw new InvalidOperationException("Connect the bus first.");
        var result = await dispatcher.DispatchAsync(endpoint, inbound, actions ?? new BusSettlement(), CancellationToken.None);
        _settled.Enqueue(new Settled(endpoint, message, inbound.DeliveryCount, result.Settlement));
        return result.Settlement;
    }

    private static InboundMessage InboundOf(OutgoingMessage message) =>
        new(message.Body, message.MessageId, message.Subject, 1, message.ApplicationProperties.ToDictionary(p => p.Key, p => (object?)p.Value),
            message.CorrelationId, message.ContentType);

    private int MaxDeliveryCount(Endpoint endpoint) => endpoint.Kind == EntityKind.Queue
        ? topology.Queues.Single(q => q.Name == endpoint.EntityName).MaxDeliveryCount
        : topology.Topics.Single(t => t.Name == endpoint.EntityName).Subscriptions.Single(s => s.Name == endpoint.SubscriptionName).MaxDeliveryCount;

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completion and dead-lettering end a delivery; an abandon asks the bus for a redelivery.</summary>
    private sealed class BusSettlement : ISettlementActions
    {
        public bool Abandoned { get; private set; }
        public Task CompleteAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task AbandonAsync(CancellationToken cancellationToken) { Abandoned = true; return Task.CompletedTask; }
    }
}

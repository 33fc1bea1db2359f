using System.Collections.Concurrent;
using AzureOrders.Contracts;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Orders.Saga;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Saga.Tests;

/// <summary>What the bus does with one message for one endpoint (the test's stand-in for broker and network trouble).</summary>
public enum Delivery { Deliver, Hold, Twice }

/// <summary>One settled delivery, as the broker would log it.</summary>
public sealed record Settled(Endpoint Endpoint, OutgoingMessage Message, int DeliveryCount, Settlement Settlement);

/// <summary>
/// A Service Bus stand-in that follows infra/topology.json: commands go to their queue, events to every subscription
/// whose rules let them through; each endpoint is served by the real consumer (Core's pipelines for the services,
/// the saga consumer for "saga"). Duplicate detection per entity by MessageId, redelivery on Retry up to
/// maxDeliveryCount, dead-letters recorded. Deliveries are asynchronous, as on a broker.
/// </summary>
public sealed class InMemoryBus(Topology topology) : IEventPublisher
{
    private readonly ConcurrentDictionary<(string Entity, string MessageId), byte> _seen = new();
    private readonly ConcurrentQueue<OutgoingMessage> _sent = new();
    private readonly ConcurrentQueue<OutgoingMessage> _attempts = new();
    private readonly ConcurrentQueue<Settled> _settled = new();
    private readonly ConcurrentQueue<(Endpoint Endpoint, OutgoingMessage Message)> _held = new();
    private int _inFlight;
    private TaskCompletionSource _idle = NewIdle();
    private CoreServices? _core;
    private SagaConsumer? _saga;
    private DurableTaskClient? _client;

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

    public void Connect(CoreServices core, SagaConsumer saga, DurableTaskClient client) => (_core, _saga, _client) = (core, saga, client);

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
            switch (Route(endpoint, message))
            {
                case Delivery.Hold: _held.Enqueue((endpoint, message)); break;
                case Delivery.Twice:
                    Schedule(endpoint, message, 1, TimeSpan.Zero);
                    Schedule(endpoint, message, 2, TimeSpan.FromMilliseconds(300));
                    break;
                default: Schedule(endpoint, message, 1, TimeSpan.Zero); break;
            }
        }
        if (ReturnWhenIdle(message)) await WaitIdleAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Delivers held messages that match (a late reply, a slow consumer catching up).</summary>
    public int ReleaseHeld(Func<Endpoint, OutgoingMessage, bool> which)
    {
        var keep = new List<(Endpoint, OutgoingMessage)>();
        var released = 0;
        while (_held.TryDequeue(out var item))
        {
            if (which(item.Endpoint, item.Message)) { Schedule(item.Endpoint, item.Message, 1, TimeSpan.Zero); released++; }
            else keep.Add(item);
        }
        foreach (var item in keep) _held.Enqueue(item);
        return released;
    }

    /// <summary>Delivers a message to one endpoint again, as a redelivery after a lost lock would.</summary>
    public Task<Settlement> RedeliverAsync(Endpoint endpoint, OutgoingMessage message, int deliveryCount) => ProcessAsync(endpoint, message, deliveryCount);

    /// <summary>Completes when nothing is in flight (held messages excepted).</summary>
    public async Task WaitIdleAsync(TimeSpan timeout)
    {
        Task idle;
        lock (_seen) idle = Volatile.Read(ref _inFlight) == 0 ? Task.CompletedTask : _idle.Task;
        await idle.WaitAsync(timeout);
    }

    private void Schedule(Endpoint endpoint, OutgoingMessage message, int deliveryCount, TimeSpan delay)
    {
        lock (_seen)
        {
            if (_inFlight++ == 0) _idle = NewIdle();
        }
        _ = Task.Run(async () =>
        {
            try
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay);
                var settlement = await ProcessAsync(endpoint, message, deliveryCount);
                if (settlement is Settlement.Retry)
                {
                    var max = MaxDeliveryCount(endpoint);
                    if (deliveryCount < max) Schedule(endpoint, message, deliveryCount + 1, TimeSpan.FromMilliseconds(50 * deliveryCount));
                    else _settled.Enqueue(new Settled(endpoint, message, deliveryCount, new Settlement.DeadLetter(
                        DeadLetterReason.MalformedMessage, "MaxDeliveryCountExceeded", new Dictionary<string, object>())));
                }
            }
            finally
            {
                lock (_seen)
                {
                    if (--_inFlight == 0) _idle.TrySetResult();
                }
            }
        });
    }

    private async Task<Settlement> ProcessAsync(Endpoint endpoint, OutgoingMessage message, int deliveryCount)
    {
        var core = _core ?? throw new InvalidOperationException("Connect the bus first.");
        var inbound = new InboundMessage(message.Body, message.MessageId, message.Subject, deliveryCount, message.ApplicationProperties.ToDictionary(p => p.Key, p => (object?)p.Value));
        var settlement = endpoint.Consumer == Services.Saga
            ? await _saga!.ProcessAsync(inbound, _client!, CancellationToken.None)
            : await core.PipelineFor(endpoint.EntityName, endpoint.SubscriptionName).ProcessAsync(inbound, CancellationToken.None);
        _settled.Enqueue(new Settled(endpoint, message, deliveryCount, settlement));
        return settlement;
    }

    private int MaxDeliveryCount(Endpoint endpoint) => endpoint.Kind == EntityKind.Queue
        ? topology.Queues.Single(q => q.Name == endpoint.EntityName).MaxDeliveryCount
        : topology.Topics.Single(t => t.Name == endpoint.EntityName).Subscriptions.Single(s => s.Name == endpoint.SubscriptionName).MaxDeliveryCount;

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

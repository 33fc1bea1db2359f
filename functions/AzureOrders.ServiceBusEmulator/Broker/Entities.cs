using AzureOrders.ServiceBusEmulator.Configuration;
using AzureOrders.ServiceBusEmulator.Filters;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Broker;

/// <summary>An entity senders address: a queue or a topic.</summary>
internal interface IMessageEntry
{
    string Name { get; }

    /// <summary>Accepts a sent message (duplicates are accepted and dropped). Returns its sequence number, or null when dropped.</summary>
    long? Send(BrokeredMessage message);

    bool CancelScheduled(long sequenceNumber);

    void Tick();
}

/// <summary>Remembers message ids for the duplicate detection window.</summary>
internal sealed class DuplicateDetector(TimeSpan window)
{
    readonly Dictionary<string, DateTime> seen = new(StringComparer.Ordinal);
    readonly Queue<(string Id, DateTime At)> order = new();

    /// <summary>True when the id was seen inside the window; otherwise records it.</summary>
    public bool IsDuplicate(string? messageId, DateTime now)
    {
        if (messageId is null)
        {
            return false;
        }

        lock (seen)
        {
            Prune(now);
            if (seen.ContainsKey(messageId))
            {
                return true;
            }

            seen[messageId] = now;
            order.Enqueue((messageId, now));
            return false;
        }
    }

    public void Prune(DateTime now)
    {
        lock (seen)
        {
            while (order.TryPeek(out var oldest) && now - oldest.At >= window)
            {
                order.Dequeue();
                if (seen.TryGetValue(oldest.Id, out var at) && at == oldest.At)
                {
                    seen.Remove(oldest.Id);
                }
            }
        }
    }
}

internal sealed class QueueEntity : IMessageEntry
{
    readonly TimeProvider time;
    readonly DuplicateDetector? duplicates;
    long sequence;

    public QueueEntity(QueueDefinition definition, TimeProvider time, ILogger logger)
    {
        this.time = time;
        Name = definition.Name;
        duplicates = definition.RequiresDuplicateDetection ? new DuplicateDetector(definition.DuplicateDetectionHistoryTimeWindow) : null;
        var deadLetter = new MessageStore(
            $"{Name}/$DeadLetterQueue",
            new StoreOptions(definition.LockDuration, int.MaxValue, false, TimeSpan.MaxValue, IsDeadLetterQueue: true),
            time,
            logger);
        Store = new MessageStore(
            Name,
            new StoreOptions(definition.LockDuration, definition.MaxDeliveryCount, definition.DeadLetteringOnMessageExpiration, definition.DefaultMessageTimeToLive, false),
            time,
            logger)
        { DeadLetterQueue = deadLetter };
    }

    public string Name { get; }

    public MessageStore Store { get; }

    public long? Send(BrokeredMessage message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (duplicates?.IsDuplicate(message.Properties.MessageId, now) == true)
        {
            return null;
        }

        message.SequenceNumber = Interlocked.Increment(ref sequence);
        message.EnqueuedTime = message.ScheduledEnqueueTime is { } at && at > now ? at : now;
        Store.Enqueue(message);
        return message.SequenceNumber;
    }

    public bool CancelScheduled(long sequenceNumber) => Store.CancelScheduled(sequenceNumber);

    public void Tick()
    {
        duplicates?.Prune(time.GetUtcNow().UtcDateTime);
        Store.Tick();
        Store.DeadLetterQueue!.Tick();
    }
}

internal sealed class SubscriptionEntity(string topic, SubscriptionDefinition definition, TimeProvider time, ILogger logger)
{
    public string Name { get; } = definition.Name;

    public bool DeadLetteringOnFilterEvaluationExceptions { get; } = definition.DeadLetteringOnFilterEvaluationExceptions;

    // No rules means the service's $Default rule: everything matches.
    public IReadOnlyList<CompiledRule> Rules { get; } = definition.Rules.Count == 0
        ? [CompiledRule.Compile(new RuleDefinition("$Default", new TrueRuleFilter()))]
        : definition.Rules.Select(CompiledRule.Compile).ToList();

    public MessageStore Store { get; } = new(
        $"{topic}/Subscriptions/{definition.Name}",
        new StoreOptions(definition.LockDuration, definition.MaxDeliveryCount, definition.DeadLetteringOnMessageExpiration, definition.DefaultMessageTimeToLive, false),
        time,
        logger)
    {
        DeadLetterQueue = new MessageStore(
            $"{topic}/Subscriptions/{definition.Name}/$DeadLetterQueue",
            new StoreOptions(definition.LockDuration, int.MaxValue, false, TimeSpan.MaxValue, IsDeadLetterQueue: true),
            time,
            logger),
    };
}

internal sealed class TopicEntity : IMessageEntry
{
    readonly TimeProvider time;
    readonly ILogger logger;
    readonly DuplicateDetector? duplicates;
    readonly TimeSpan defaultTimeToLive;
    readonly SortedDictionary<long, BrokeredMessage> scheduled = [];
    long sequence;

    public TopicEntity(TopicDefinition definition, TimeProvider time, ILogger logger)
    {
        this.time = time;
        this.logger = logger;
        Name = definition.Name;
        defaultTimeToLive = definition.DefaultMessageTimeToLive;
        duplicates = definition.RequiresDuplicateDetection ? new DuplicateDetector(definition.DuplicateDetectionHistoryTimeWindow) : null;
        Subscriptions = definition.Subscriptions.Select(s => new SubscriptionEntity(Name, s, time, logger)).ToList();
    }

    public string Name { get; }

    public IReadOnlyList<SubscriptionEntity> Subscriptions { get; }

    public long? Send(BrokeredMessage message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (duplicates?.IsDuplicate(message.Properties.MessageId, now) == true)
        {
            return null;
        }

        message.SequenceNumber = Interlocked.Increment(ref sequence);
        if (defaultTimeToLive != TimeSpan.MaxValue && (message.TimeToLive is null || message.TimeToLive > defaultTimeToLive))
        {
            message.TimeToLive = defaultTimeToLive;
        }

        if (message.ScheduledEnqueueTime is { } at && at > now)
        {
            // Scheduled messages wait at the topic and are filtered when they become due, as the service does.
            message.EnqueuedTime = at;
            lock (scheduled)
            {
                scheduled[message.SequenceNumber] = message;
            }

            return message.SequenceNumber;
        }

        message.EnqueuedTime = now;
        FanOut(message);
        return message.SequenceNumber;
    }

    void FanOut(BrokeredMessage message)
    {
        foreach (var subscription in Subscriptions)
        {
            var matched = new List<CompiledRule>(1);
            try
            {
                foreach (var rule in subscription.Rules)
                {
                    if (rule.Matches(message))
                    {
                        matched.Add(rule);
                    }
                }
            }
            catch (FilterEvaluationException e)
            {
                FilterFailed(subscription, message, e);
                continue;
            }

            if (matched.Count == 0)
            {
                continue;
            }

            // Several matching rules still deliver one copy; each matching rule's action applies to it.
            var copy = message.Clone();
            try
            {
                foreach (var rule in matched.Where(r => r.HasAction))
                {
                    rule.ApplyAction(copy);
                }
            }
            catch (FilterEvaluationException e)
            {
                FilterFailed(subscription, message, e);
                continue;
            }

            subscription.Store.Enqueue(copy);
        }
    }

    void FilterFailed(SubscriptionEntity subscription, BrokeredMessage message, FilterEvaluationException error)
    {
        logger.LogDebug("Rule evaluation failed on {Topic}/{Subscription}: {Error}", Name, subscription.Name, error.Message);
        if (subscription.DeadLetteringOnFilterEvaluationExceptions)
        {
            subscription.Store.DeadLetterOnArrival(message.Clone(), "FilterEvaluationException", error.Message);
        }
    }

    public bool CancelScheduled(long sequenceNumber)
    {
        lock (scheduled)
        {
            return scheduled.Remove(sequenceNumber);
        }
    }

    public void Tick()
    {
        var now = time.GetUtcNow().UtcDateTime;
        duplicates?.Prune(now);
        List<BrokeredMessage>? due = null;
        lock (scheduled)
        {
            foreach (var pair in scheduled.Where(p => p.Value.ScheduledEnqueueTime <= now).ToList())
            {
                scheduled.Remove(pair.Key);
                (due ??= []).Add(pair.Value);
            }
        }

        foreach (var message in due ?? [])
        {
            FanOut(message);
        }

        foreach (var subscription in Subscriptions)
        {
            subscription.Store.Tick();
            subscription.Store.DeadLetterQueue!.Tick();
        }
    }
}

using AzureOrders.ServiceBusEmulator.Configuration;
using AzureOrders.ServiceBusEmulator.Filters;
using AzureOrders.ServiceBusEmulator.Persistence;
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

    /// <summary>The stores holding this entity's messages (for restoring them and its sequence counter).</summary>
    IEnumerable<MessageStore> Stores { get; }

    /// <summary>Continues sequence numbers after a restart: the next message gets a number above <paramref name="last"/>.</summary>
    void RestoreSequence(long last);

    void RestoreDuplicate(string messageId, DateTime seen);
}

/// <summary>Remembers message ids for the duplicate detection window.</summary>
internal sealed class DuplicateDetector(TimeSpan window)
{
    readonly Dictionary<string, DateTime> seen = new(StringComparer.Ordinal);
    readonly Queue<(string Id, DateTime At)> order = new();
    bool pruned;

    public TimeSpan Window { get; } = window;

    /// <summary>
    /// Held by a durable entity from the duplicate check until the message is journaled: a repeat that
    /// finds the id must not be acknowledged before the original's rows are in the journal.
    /// </summary>
    public object Gate => seen;

    /// <summary>True once after ids left the window (the durable copy then drops them too).</summary>
    public bool TakePruned()
    {
        lock (seen)
        {
            var result = pruned;
            pruned = false;
            return result;
        }
    }

    public void Restore(string messageId, DateTime at)
    {
        lock (seen)
        {
            seen[messageId] = at;
            order.Enqueue((messageId, at));
        }
    }

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
            while (order.TryPeek(out var oldest) && now - oldest.At >= Window)
            {
                order.Dequeue();
                pruned = true;
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
    readonly DurableJournal? journal;
    long sequence;

    public QueueEntity(QueueDefinition definition, TimeProvider time, ILogger logger, DurableJournal? journal = null)
    {
        this.time = time;
        this.journal = journal;
        Name = definition.Name;
        duplicates = definition.RequiresDuplicateDetection ? new DuplicateDetector(definition.DuplicateDetectionHistoryTimeWindow) : null;
        var deadLetter = new MessageStore(
            $"{Name}/$DeadLetterQueue",
            new StoreOptions(definition.LockDuration, int.MaxValue, false, TimeSpan.MaxValue, IsDeadLetterQueue: true),
            time,
            logger,
            journal);
        Store = new MessageStore(
            Name,
            new StoreOptions(definition.LockDuration, definition.MaxDeliveryCount, definition.DeadLetteringOnMessageExpiration, definition.DefaultMessageTimeToLive, false),
            time,
            logger,
            journal)
        { DeadLetterQueue = deadLetter };
    }

    public string Name { get; }

    public MessageStore Store { get; }

    public long? Send(BrokeredMessage message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (journal is null)
        {
            if (duplicates?.IsDuplicate(message.Properties.MessageId, now) == true)
            {
                return null;
            }

            message.SequenceNumber = Interlocked.Increment(ref sequence);
            message.EnqueuedTime = message.ScheduledEnqueueTime is { } at && at > now ? at : now;
            Store.Enqueue(message);
            return message.SequenceNumber;
        }

        // Without duplicate detection no other send depends on this one: the message's own lock is uncontended.
        lock (duplicates?.Gate ?? message)
        {
            if (duplicates?.IsDuplicate(message.Properties.MessageId, now) == true)
            {
                return null;
            }

            message.SequenceNumber = Interlocked.Increment(ref sequence);
            message.EnqueuedTime = message.ScheduledEnqueueTime is { } at && at > now ? at : now;
            Store.PrepareInsert(message);
            journal.Append(EntityJournal.NewMessage(Name, [JournalOp.Put(Store.Path, message)], message, duplicates, now));
        }

        Store.InsertPrepared(message);
        return message.SequenceNumber;
    }

    public bool CancelScheduled(long sequenceNumber) => Store.CancelScheduled(sequenceNumber);

    public void Tick()
    {
        var now = time.GetUtcNow().UtcDateTime;
        duplicates?.Prune(now);
        EntityJournal.Pruned(journal, Name, duplicates, now);
        Store.Tick();
        Store.DeadLetterQueue!.Tick();
    }

    public IEnumerable<MessageStore> Stores => [Store, Store.DeadLetterQueue!];

    public void RestoreSequence(long last) => sequence = Math.Max(sequence, last);

    public void RestoreDuplicate(string messageId, DateTime seen) => duplicates?.Restore(messageId, seen);
}

/// <summary>The journal entries queues and topics share.</summary>
internal static class EntityJournal
{
    /// <summary>
    /// A new message's rows, then its sequence number and duplicate-detection entry, as one commit: a
    /// message id must never be remembered without the message it stands for.
    /// </summary>
    public static JournalOp[] NewMessage(string entity, IReadOnlyList<JournalOp> rows, BrokeredMessage message, DuplicateDetector? duplicates, DateTime now)
    {
        var remember = duplicates is not null && message.Properties.MessageId is not null;
        var ops = new JournalOp[rows.Count + (remember ? 2 : 1)];
        for (var i = 0; i < rows.Count; i++)
        {
            ops[i] = rows[i];
        }

        ops[rows.Count] = JournalOp.Sequence(entity, message.SequenceNumber);
        if (remember)
        {
            ops[^1] = JournalOp.Duplicate(entity, message.Properties.MessageId!, now);
        }

        return ops;
    }

    public static void Pruned(DurableJournal? journal, string entity, DuplicateDetector? duplicates, DateTime now)
    {
        if (journal is not null && duplicates?.TakePruned() == true)
        {
            journal.Append(JournalOp.PruneDuplicates(entity, now - duplicates.Window));
        }
    }
}

internal sealed class SubscriptionEntity(string topic, SubscriptionDefinition definition, TimeProvider time, ILogger logger, DurableJournal? journal = null)
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
        logger,
        journal)
    {
        DeadLetterQueue = new MessageStore(
            $"{topic}/Subscriptions/{definition.Name}/$DeadLetterQueue",
            new StoreOptions(definition.LockDuration, int.MaxValue, false, TimeSpan.MaxValue, IsDeadLetterQueue: true),
            time,
            logger,
            journal),
    };
}

internal sealed class TopicEntity : IMessageEntry
{
    readonly TimeProvider time;
    readonly ILogger logger;
    readonly DuplicateDetector? duplicates;
    readonly DurableJournal? journal;
    readonly TimeSpan defaultTimeToLive;
    readonly SortedDictionary<long, BrokeredMessage> scheduled = [];
    long sequence;

    public TopicEntity(TopicDefinition definition, TimeProvider time, ILogger logger, DurableJournal? journal = null)
    {
        this.time = time;
        this.logger = logger;
        this.journal = journal;
        Name = definition.Name;
        defaultTimeToLive = definition.DefaultMessageTimeToLive;
        duplicates = definition.RequiresDuplicateDetection ? new DuplicateDetector(definition.DuplicateDetectionHistoryTimeWindow) : null;
        Subscriptions = definition.Subscriptions.Select(s => new SubscriptionEntity(Name, s, time, logger, journal)).ToList();
    }

    public string Name { get; }

    public IReadOnlyList<SubscriptionEntity> Subscriptions { get; }

    public IEnumerable<MessageStore> Stores => Subscriptions.SelectMany(s => new[] { s.Store, s.Store.DeadLetterQueue! });

    public long? Send(BrokeredMessage message)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (journal is null)
        {
            return Accept(message, now, out var targets) ? Deliver(message, targets) : null;
        }

        List<(MessageStore, BrokeredMessage)>? journaled;
        lock (duplicates?.Gate ?? message)
        {
            if (!Accept(message, now, out journaled))
            {
                return null;
            }
        }

        return Deliver(message, journaled);
    }

    long Deliver(BrokeredMessage message, List<(MessageStore Store, BrokeredMessage Copy)>? targets)
    {
        foreach (var (store, copy) in targets ?? [])
        {
            store.InsertPrepared(copy);
        }

        return message.SequenceNumber;
    }

    /// <summary>
    /// Checks for a duplicate, numbers the message and either parks it (scheduled) or routes it; the
    /// returned copies are journaled but not yet visible.
    /// </summary>
    bool Accept(BrokeredMessage message, DateTime now, out List<(MessageStore Store, BrokeredMessage Copy)>? targets)
    {
        targets = null;
        if (duplicates?.IsDuplicate(message.Properties.MessageId, now) == true)
        {
            return false;
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
            message.State = MessageState.Scheduled;
            lock (scheduled)
            {
                journal?.Append(EntityJournal.NewMessage(Name, [JournalOp.Put(Name, message)], message, duplicates, now));
                scheduled[message.SequenceNumber] = message;
            }

            return true;
        }

        message.EnqueuedTime = now;
        targets = Route(message, journal is null ? null : rows => EntityJournal.NewMessage(Name, rows, message, duplicates, now));
        return true;
    }

    /// <summary>
    /// Prepares a copy of the message for every subscription whose rules match. With a journal, every
    /// copy (and what <paramref name="commitWith"/> adds: the sequence number, the duplicate entry, the
    /// topic's scheduled row going away) is one commit made before any copy becomes visible; the caller
    /// then inserts the copies.
    /// </summary>
    List<(MessageStore Store, BrokeredMessage Copy)> Route(BrokeredMessage message, Func<IReadOnlyList<JournalOp>, JournalOp[]>? commitWith)
    {
        var targets = new List<(MessageStore Store, BrokeredMessage Copy)>(Subscriptions.Count);
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
                FilterFailed(subscription, message, e, targets);
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
                FilterFailed(subscription, message, e, targets);
                continue;
            }

            subscription.Store.PrepareInsert(copy);
            targets.Add((subscription.Store, copy));
        }

        if (commitWith is not null)
        {
            journal!.Append(commitWith(targets.Select(t => JournalOp.Put(t.Store.Path, t.Copy)).ToList()));
        }

        return targets;
    }

    void FilterFailed(SubscriptionEntity subscription, BrokeredMessage message, FilterEvaluationException error, List<(MessageStore, BrokeredMessage)> targets)
    {
        logger.LogDebug("Rule evaluation failed on {Topic}/{Subscription}: {Error}", Name, subscription.Name, error.Message);
        if (subscription.DeadLetteringOnFilterEvaluationExceptions)
        {
            var copy = message.Clone();
            targets.Add((subscription.Store.PrepareDeadLetterOnArrival(copy, "FilterEvaluationException", error.Message), copy));
        }
    }

    public bool CancelScheduled(long sequenceNumber)
    {
        lock (scheduled)
        {
            if (!scheduled.Remove(sequenceNumber))
            {
                return false;
            }

            journal?.Append(JournalOp.Delete(Name, sequenceNumber));
            return true;
        }
    }

    public void Tick()
    {
        var now = time.GetUtcNow().UtcDateTime;
        duplicates?.Prune(now);
        EntityJournal.Pruned(journal, Name, duplicates, now);
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
            Deliver(message, Route(message, journal is null ? null : rows => [.. rows, JournalOp.Delete(Name, message.SequenceNumber)]));
        }

        foreach (var subscription in Subscriptions)
        {
            subscription.Store.Tick();
            subscription.Store.DeadLetterQueue!.Tick();
        }
    }

    /// <summary>Puts back a scheduled message that was waiting at the topic; a due one fans out on the next sweep.</summary>
    public void RestoreScheduled(BrokeredMessage message)
    {
        lock (scheduled)
        {
            scheduled[message.SequenceNumber] = message;
        }
    }

    public long MaxScheduledSequenceNumber
    {
        get
        {
            lock (scheduled)
            {
                return scheduled.Count == 0 ? 0 : scheduled.Keys.Last();
            }
        }
    }

    public void RestoreSequence(long last) => sequence = Math.Max(sequence, last);

    public void RestoreDuplicate(string messageId, DateTime seen) => duplicates?.Restore(messageId, seen);
}

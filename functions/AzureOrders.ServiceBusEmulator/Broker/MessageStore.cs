using AzureOrders.ServiceBusEmulator.Persistence;
using Microsoft.Azure.Amqp;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Broker;

/// <summary>Settings of a store that receivers read from (a queue, a subscription or a dead-letter sub-queue).</summary>
internal sealed record StoreOptions(
    TimeSpan LockDuration,
    int MaxDeliveryCount,
    bool DeadLetteringOnMessageExpiration,
    TimeSpan DefaultMessageTimeToLive,
    bool IsDeadLetterQueue);

/// <summary>A receiver link's view the store dispatches to.</summary>
internal interface IMessageConsumer
{
    bool ReceiveAndDelete { get; }

    /// <summary>The credit the AMQP library last computed for the link (it reflects the receiver reducing credit).</summary>
    uint LinkCredit { get; }

    /// <summary>Transfers the message; called outside the store's lock.</summary>
    void Deliver(AmqpMessage message, Guid lockToken);
}

internal enum SettleOutcome { Settled, LockLost }

/// <summary>
/// The messages of one receivable entity and their delivery: credit-based dispatch to receiver links,
/// peek-lock with lock expiry and renewal, settlement, deferral, dead-lettering, TTL expiry and
/// scheduled activation. One lock guards the state; transfers happen outside it.
/// With a <paramref name="journal"/>, every change is appended to it under that same lock, so the
/// durable log sees each message's changes in the order they happened; a new message is journaled
/// before it becomes visible, so nothing can settle it ahead of its own insert.
/// </summary>
internal sealed class MessageStore(string path, StoreOptions options, TimeProvider time, ILogger logger, DurableJournal? journal = null)
{
    public const string DeadLetterReasonProperty = "DeadLetterReason";
    public const string DeadLetterDescriptionProperty = "DeadLetterErrorDescription";

    // Scheduled activation and TTL expiry need a scan of every message; a few times a second is enough.
    static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(250);

    readonly object sync = new();
    readonly SortedDictionary<long, BrokeredMessage> messages = [];
    readonly SortedSet<long> available = [];
    readonly Dictionary<Guid, BrokeredMessage> locks = [];
    readonly List<ConsumerState> consumers = [];
    int nextConsumer;
    DateTime nextScan;

    public string Path { get; } = path;

    public StoreOptions Options { get; } = options;

    /// <summary>The dead-letter sub-queue; null for a dead-letter queue itself.</summary>
    public MessageStore? DeadLetterQueue { get; init; }

    public int Count
    {
        get
        {
            lock (sync)
            {
                return messages.Count;
            }
        }
    }

    DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Message counts by state; the dead-letter count is the sub-queue's total.</summary>
    public EntityMessageCounts GetCounts()
    {
        int active = 0, locked = 0, deferred = 0, scheduled = 0;
        lock (sync)
        {
            foreach (var message in messages.Values)
            {
                if (message.IsLocked)
                {
                    locked++;
                }

                switch (message.State)
                {
                    case MessageState.Active:
                        active++;
                        break;
                    case MessageState.Deferred:
                        deferred++;
                        break;
                    case MessageState.Scheduled:
                        scheduled++;
                        break;
                }
            }
        }

        return new EntityMessageCounts(Path, active, locked, deferred, scheduled, DeadLetterQueue?.Count ?? 0);
    }

    /// <summary>Adds a message that already carries its sequence number.</summary>
    public void Enqueue(BrokeredMessage message)
    {
        PrepareInsert(message);
        journal?.Append(JournalOp.Put(Path, message));
        InsertPrepared(message);
    }

    /// <summary>
    /// Gives a new message the state it enters this store with (TTL, scheduled or active). The message
    /// is not visible to anyone yet, so the caller can journal it, with whatever must commit with it,
    /// before <see cref="InsertPrepared"/>.
    /// </summary>
    public void PrepareInsert(BrokeredMessage message)
    {
        var now = Now;
        message.LockToken = Guid.Empty;
        if (Options.IsDeadLetterQueue)
        {
            message.ExpiresAt = null; // dead-lettered messages do not expire
        }
        else
        {
            ApplyTimeToLive(message);
        }

        message.State = message.ScheduledEnqueueTime is { } at && at > now ? MessageState.Scheduled : MessageState.Active;
    }

    /// <summary>Makes a prepared (and journaled) message visible and hands it to receivers.</summary>
    public void InsertPrepared(BrokeredMessage message)
    {
        Insert(message);
        Pump();
    }

    /// <summary>
    /// Inserts a message moved here while the caller holds its own store's lock: delivery runs on the
    /// thread pool so no transfer ever starts under two store locks.
    /// </summary>
    void InsertFromLockedStore(BrokeredMessage message)
    {
        Insert(message);
        ThreadPool.UnsafeQueueUserWorkItem(static store => store.Pump(), this, preferLocal: false);
    }

    void Insert(BrokeredMessage message)
    {
        lock (sync)
        {
            messages[message.SequenceNumber] = message;
            if (message.State == MessageState.Active)
            {
                available.Add(message.SequenceNumber);
            }
        }
    }

    /// <summary>
    /// Puts back a message read from the data directory. Locks did not survive: a message that was
    /// locked is available again with its delivery count, or dead-lettered if that count is spent,
    /// as its lock's expiry would have done.
    /// </summary>
    public void Restore(BrokeredMessage message)
    {
        var now = Now;
        lock (sync)
        {
            message.LockToken = Guid.Empty;
            if (message.State != MessageState.Deferred)
            {
                message.State = !Options.IsDeadLetterQueue && message.ScheduledEnqueueTime is { } at && at > now ? MessageState.Scheduled : MessageState.Active;
            }

            messages[message.SequenceNumber] = message;
            if (message.State == MessageState.Active)
            {
                available.Add(message.SequenceNumber);
                if (!Options.IsDeadLetterQueue && message.DeliveryCount >= Options.MaxDeliveryCount)
                {
                    ReturnOrDeadLetter(message);
                }
            }
        }
    }

    /// <summary>The highest sequence number held (for the entity's counter after a restore).</summary>
    public long MaxSequenceNumber
    {
        get
        {
            lock (sync)
            {
                return messages.Count == 0 ? 0 : messages.Keys.Last();
            }
        }
    }

    void ApplyTimeToLive(BrokeredMessage message)
    {
        // The effective TTL is the smaller of the message's and the entity's default, and the message shows it.
        var ttl = message.TimeToLive is { } own && own < Options.DefaultMessageTimeToLive ? own : Options.DefaultMessageTimeToLive;
        if (ttl != TimeSpan.MaxValue)
        {
            message.TimeToLive = ttl;
            var start = message.ScheduledEnqueueTime is { } at && at > message.EnqueuedTime ? at : message.EnqueuedTime;
            message.ExpiresAt = DateTime.MaxValue - start > ttl ? start + ttl : DateTime.MaxValue;
        }
        else
        {
            message.ExpiresAt = null;
        }
    }

    public bool CancelScheduled(long sequenceNumber)
    {
        lock (sync)
        {
            if (messages.TryGetValue(sequenceNumber, out var message) && message.State == MessageState.Scheduled)
            {
                messages.Remove(sequenceNumber);
                journal?.Append(JournalOp.Delete(Path, sequenceNumber));
                return true;
            }

            return false;
        }
    }

    public void AddConsumer(IMessageConsumer consumer)
    {
        lock (sync)
        {
            consumers.Add(new ConsumerState(consumer));
        }
    }

    public void RemoveConsumer(IMessageConsumer consumer)
    {
        lock (sync)
        {
            consumers.RemoveAll(c => c.Consumer == consumer);
        }
    }

    /// <summary>
    /// Adds link credit from a flow. Returns true when the receiver asked to drain and nothing was
    /// left to send, so the link must answer with a flow that ends the drain.
    /// </summary>
    public bool AddCredit(IMessageConsumer consumer, uint credit, bool drain)
    {
        lock (sync)
        {
            var state = consumers.Find(c => c.Consumer == consumer);
            if (state is null)
            {
                return false;
            }

            state.Credit = (int)Math.Min(int.MaxValue, (long)state.Credit + credit);
        }

        Pump();
        if (!drain)
        {
            return false;
        }

        lock (sync)
        {
            var state = consumers.Find(c => c.Consumer == consumer);
            if (state is { Credit: > 0 })
            {
                state.Credit = 0;
                return true;
            }

            return false;
        }
    }

    /// <summary>Hands available messages to receivers with credit, round robin.</summary>
    public void Pump()
    {
        List<(IMessageConsumer Consumer, AmqpMessage Message, Guid Token, BrokeredMessage Source)>? outbox = null;
        var now = Now;
        lock (sync)
        {
            while (available.Count > 0)
            {
                var consumer = NextConsumerWithCredit();
                if (consumer is null)
                {
                    break;
                }

                var sequenceNumber = available.Min;
                available.Remove(sequenceNumber);
                var message = messages[sequenceNumber];
                if (message.ExpiresAt is { } expires && expires <= now)
                {
                    Expire(message);
                    continue;
                }

                consumer.Credit--;
                message.DeliveryCount++;
                Guid token;
                if (consumer.Consumer.ReceiveAndDelete)
                {
                    messages.Remove(sequenceNumber);
                    journal?.Append(JournalOp.Delete(Path, sequenceNumber));
                    token = Guid.NewGuid();
                }
                else
                {
                    token = Lock(message, now);
                    // Not waited for: a delivery acknowledges nothing. Lost in a crash, the count is one lower.
                    journal?.Append(JournalOp.Update(Path, message));
                }

                (outbox ??= []).Add((consumer.Consumer, message.ToAmqp(forPeek: false), token, message));
            }
        }

        if (outbox is null)
        {
            return;
        }

        foreach (var (consumer, message, token, source) in outbox)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("Transfer {Path} seq={SequenceNumber} lock={LockToken}", Path, source.SequenceNumber, token);
            }

            try
            {
                consumer.Deliver(message, token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The receiver's link closed under us. The message must not be lost, nor must the failure
                // surface on whichever link triggered this pump (a sender's, say).
                logger.LogDebug("Transfer {Path} seq={SequenceNumber} failed ({Error}); returning it", Path, source.SequenceNumber, e.Message);
                if (consumer.ReceiveAndDelete)
                {
                    source.DeliveryCount = Math.Max(0, source.DeliveryCount - 1);
                    journal?.Append(JournalOp.Put(Path, source));
                    InsertFromLockedStore(source);
                }
                else
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static state => state.Store.Release(state.Token), (Store: this, Token: token), preferLocal: false);
                }
            }
        }
    }

    Guid Lock(BrokeredMessage message, DateTime now)
    {
        // Lock tokens are fresh per delivery by design: a redelivery must not be settled with an old token.
        var token = Guid.NewGuid();
        message.LockToken = token;
        message.LockedUntil = now + Options.LockDuration;
        locks[token] = message;
        return token;
    }

    ConsumerState? NextConsumerWithCredit()
    {
        for (var i = 0; i < consumers.Count; i++)
        {
            var candidate = consumers[(nextConsumer + i) % consumers.Count];
            // Our count follows the flows' increments and drains; the library's follows reductions a
            // receiver may make without draining. Sending beyond either would exceed the receiver's
            // credit, which it answers by closing the link.
            if (candidate.Credit > candidate.Consumer.LinkCredit)
            {
                candidate.Credit = (int)Math.Min(int.MaxValue, candidate.Consumer.LinkCredit);
            }

            if (candidate.Credit > 0)
            {
                nextConsumer = (nextConsumer + i + 1) % consumers.Count;
                return candidate;
            }
        }

        return null;
    }

    public SettleOutcome Complete(Guid lockToken) => Settle(lockToken, (message, _) =>
    {
        messages.Remove(message.SequenceNumber);
        journal?.Append(JournalOp.Delete(Path, message.SequenceNumber));
        return false;
    });

    public SettleOutcome Abandon(Guid lockToken, IEnumerable<KeyValuePair<string, object?>>? propertiesToModify) => Settle(lockToken, (message, _) =>
    {
        var modified = message.ApplyPropertiesToModify(propertiesToModify);
        if (!ReturnOrDeadLetter(message) && modified)
        {
            journal?.Append(JournalOp.Put(Path, message));
        }

        return true;
    });

    /// <summary>The receiver gave the transfer back unseen: unlock without counting the delivery.</summary>
    public SettleOutcome Release(Guid lockToken) => Settle(lockToken, (message, _) =>
    {
        message.DeliveryCount = Math.Max(0, message.DeliveryCount - 1);
        if (!ReturnOrDeadLetter(message))
        {
            journal?.Append(JournalOp.Update(Path, message));
        }

        return true;
    });

    public SettleOutcome Defer(Guid lockToken, IEnumerable<KeyValuePair<string, object?>>? propertiesToModify) => Settle(lockToken, (message, _) =>
    {
        var modified = message.ApplyPropertiesToModify(propertiesToModify);
        message.State = MessageState.Deferred;
        journal?.Append(modified ? JournalOp.Put(Path, message) : JournalOp.Update(Path, message));
        return false;
    });

    public SettleOutcome DeadLetter(Guid lockToken, string? reason, string? description, IEnumerable<KeyValuePair<string, object?>>? propertiesToModify) =>
        Settle(lockToken, (message, _) =>
        {
            message.ApplyPropertiesToModify(propertiesToModify);
            MoveToDeadLetter(message, reason, description);
            return false;
        });

    /// <summary>Renews a lock; null when the lock is already lost.</summary>
    public DateTime? RenewLock(Guid lockToken)
    {
        var now = Now;
        lock (sync)
        {
            if (!locks.TryGetValue(lockToken, out var message) || message.LockedUntil <= now)
            {
                return null;
            }

            message.LockedUntil = now + Options.LockDuration;
            return message.LockedUntil;
        }
    }

    /// <summary>Runs a settlement under the lock; the action returns true when messages became available.</summary>
    SettleOutcome Settle(Guid lockToken, Func<BrokeredMessage, DateTime, bool> action)
    {
        var now = Now;
        SettleOutcome outcome;
        bool pump;
        lock (sync)
        {
            if (!locks.TryGetValue(lockToken, out var message))
            {
                return SettleOutcome.LockLost;
            }

            if (message.LockedUntil <= now)
            {
                // The sweep has not run yet; the lock is lost all the same.
                ExpireLock(message);
                (outcome, pump) = (SettleOutcome.LockLost, true);
            }
            else
            {
                locks.Remove(lockToken);
                message.LockToken = Guid.Empty;
                (outcome, pump) = (SettleOutcome.Settled, action(message, now));
            }
        }

        if (pump)
        {
            Pump();
        }

        return outcome;
    }

    void ExpireLock(BrokeredMessage message)
    {
        locks.Remove(message.LockToken);
        message.LockToken = Guid.Empty;
        logger.LogDebug("Lock expired {Path} seq={SequenceNumber} deliveries={DeliveryCount}", Path, message.SequenceNumber, message.DeliveryCount);
        ReturnOrDeadLetter(message);
    }

    /// <summary>Makes an unlocked message available again, or dead-letters it when its deliveries are spent; true when it left this store.</summary>
    bool ReturnOrDeadLetter(BrokeredMessage message)
    {
        if (!Options.IsDeadLetterQueue && message.DeliveryCount >= Options.MaxDeliveryCount)
        {
            MoveToDeadLetter(message, "MaxDeliveryCountExceeded", $"Message could not be consumed after {Options.MaxDeliveryCount} delivery attempts.");
            return true;
        }

        if (message.State != MessageState.Deferred)
        {
            available.Add(message.SequenceNumber);
        }

        return false;
    }

    void MoveToDeadLetter(BrokeredMessage message, string? reason, string? description)
    {
        messages.Remove(message.SequenceNumber);
        available.Remove(message.SequenceNumber);
        if (DeadLetterQueue is null)
        {
            // A dead-letter queue has no dead-letter queue: dead-lettering there deletes, as the service does.
            journal?.Append(JournalOp.Delete(Path, message.SequenceNumber));
            return;
        }

        if (reason is not null)
        {
            message.ApplicationProperties[DeadLetterReasonProperty] = reason;
        }

        if (description is not null)
        {
            message.ApplicationProperties[DeadLetterDescriptionProperty] = description;
        }

        message.DeadLetterSource = Path;
        message.ScheduledEnqueueTime = null;
        logger.LogDebug("Dead-lettered {Path} seq={SequenceNumber} reason={Reason}", Path, message.SequenceNumber, reason);
        DeadLetterQueue.PrepareInsert(message);
        // One commit: a crash between the two would lose the message or keep it twice.
        journal?.Append([JournalOp.Put(DeadLetterQueue.Path, message), JournalOp.Delete(Path, message.SequenceNumber)]);
        DeadLetterQueue.InsertFromLockedStore(message);
    }

    /// <summary>
    /// Marks a message that never entered the store (filter evaluation error) for the dead-letter queue
    /// and returns that queue; the caller journals and inserts it as for any new message.
    /// </summary>
    public MessageStore PrepareDeadLetterOnArrival(BrokeredMessage message, string reason, string description)
    {
        message.ApplicationProperties[DeadLetterReasonProperty] = reason;
        message.ApplicationProperties[DeadLetterDescriptionProperty] = description;
        message.DeadLetterSource = Path;
        DeadLetterQueue!.PrepareInsert(message);
        return DeadLetterQueue;
    }

    void Expire(BrokeredMessage message)
    {
        if (Options.DeadLetteringOnMessageExpiration)
        {
            MoveToDeadLetter(message, "TTLExpiredException", "The message expired and was dead lettered.");
        }
        else
        {
            messages.Remove(message.SequenceNumber);
            available.Remove(message.SequenceNumber);
            journal?.Append(JournalOp.Delete(Path, message.SequenceNumber));
        }
    }

    /// <summary>Periodic work: expired locks, due scheduled messages, expired messages.</summary>
    public void Tick()
    {
        var now = Now;
        var pump = false;
        lock (sync)
        {
            if (locks.Count > 0)
            {
                List<BrokeredMessage>? lapsed = null;
                foreach (var message in locks.Values)
                {
                    if (message.LockedUntil <= now)
                    {
                        (lapsed ??= []).Add(message);
                    }
                }

                foreach (var message in lapsed ?? [])
                {
                    ExpireLock(message);
                    pump = true;
                }
            }

            // A full scan is only needed when something can become due; keep it off the hot path otherwise.
            if (now >= nextScan)
            {
                nextScan = now + ScanInterval;
                pump |= Scan(now);
            }
        }

        if (pump)
        {
            Pump();
        }
    }

    bool Scan(DateTime now)
    {
        var activated = false;
        List<BrokeredMessage>? expired = null;
        foreach (var message in messages.Values)
        {
            if (message.State == MessageState.Scheduled)
            {
                if (message.ScheduledEnqueueTime <= now)
                {
                    message.State = MessageState.Active;
                    message.EnqueuedTime = message.ScheduledEnqueueTime.Value;
                    available.Add(message.SequenceNumber);
                    activated = true;
                }

                continue;
            }

            if (!message.IsLocked && message.ExpiresAt is { } expires && expires <= now)
            {
                (expired ??= []).Add(message);
            }
        }

        foreach (var message in expired ?? [])
        {
            Expire(message);
        }

        return activated;
    }

    public IReadOnlyList<byte[]> Peek(long fromSequenceNumber, int count)
    {
        lock (sync)
        {
            return messages.Where(p => p.Key >= fromSequenceNumber).Take(Math.Max(0, count)).Select(p => p.Value.ToBytes(forPeek: true)).ToList();
        }
    }

    /// <summary>Receives deferred messages by sequence number; throws <see cref="MessageNotFoundException"/> for any that is not deferred.</summary>
    public IReadOnlyList<(byte[] Message, Guid LockToken)> ReceiveDeferred(IReadOnlyList<long> sequenceNumbers, bool receiveAndDelete)
    {
        var now = Now;
        lock (sync)
        {
            foreach (var sequenceNumber in sequenceNumbers)
            {
                if (!messages.TryGetValue(sequenceNumber, out var m) || m.State != MessageState.Deferred || m.IsLocked)
                {
                    throw new MessageNotFoundException($"Deferred message with sequence number {sequenceNumber} was not found in '{Path}'.");
                }
            }

            var result = new List<(byte[], Guid)>();
            foreach (var sequenceNumber in sequenceNumbers)
            {
                var message = messages[sequenceNumber];
                message.DeliveryCount++;
                if (receiveAndDelete)
                {
                    messages.Remove(sequenceNumber);
                    journal?.Append(JournalOp.Delete(Path, sequenceNumber));
                    result.Add((message.ToBytes(forPeek: false), Guid.Empty));
                }
                else
                {
                    var token = Lock(message, now);
                    journal?.Append(JournalOp.Update(Path, message));
                    result.Add((message.ToBytes(forPeek: false), token));
                }
            }

            return result;
        }
    }

    sealed class ConsumerState(IMessageConsumer consumer)
    {
        public IMessageConsumer Consumer { get; } = consumer;

        public int Credit { get; set; }
    }
}

internal sealed class MessageNotFoundException(string message) : Exception(message);

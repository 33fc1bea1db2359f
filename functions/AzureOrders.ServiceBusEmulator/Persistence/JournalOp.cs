using AzureOrders.ServiceBusEmulator.Broker;

namespace AzureOrders.ServiceBusEmulator.Persistence;

internal enum JournalOpKind : byte
{
    /// <summary>Insert or replace a message's whole row (new message, changed properties, moved to a dead-letter queue).</summary>
    Put,

    /// <summary>Only the delivery count and state changed (a delivery, a release, a defer without properties).</summary>
    Update,

    Delete,

    /// <summary>A queue or topic handed out this sequence number; the counter survives even when every message is gone.</summary>
    Sequence,

    /// <summary>A message id entered the duplicate-detection window.</summary>
    Duplicate,

    /// <summary>Message ids seen before <see cref="JournalOp.Ticks"/> left the window.</summary>
    PruneDuplicates,
}

/// <summary>
/// One change to the durable state, captured when the in-memory state changes (under the owning
/// store's lock), so the log replays in the order the broker saw the changes.
/// </summary>
internal readonly struct JournalOp
{
    JournalOp(JournalOpKind kind, string entity, long sequenceNumber = 0, StoredMessage? row = null, int deliveryCount = 0, MessageState state = MessageState.Active, string? text = null, long ticks = 0)
    {
        Kind = kind;
        Entity = entity;
        SequenceNumber = sequenceNumber;
        Row = row;
        DeliveryCount = deliveryCount;
        State = state;
        Text = text;
        Ticks = ticks;
    }

    public JournalOpKind Kind { get; }

    /// <summary>The store path (<c>queue</c>, <c>topic/Subscriptions/s</c>, <c>.../$DeadLetterQueue</c>, or a topic for its scheduled messages).</summary>
    public string Entity { get; }

    public long SequenceNumber { get; }

    public StoredMessage? Row { get; }

    public int DeliveryCount { get; }

    public MessageState State { get; }

    public string? Text { get; }

    public long Ticks { get; }

    /// <summary>Snapshots the message now: the caller may change it right after.</summary>
    public static JournalOp Put(string entity, BrokeredMessage message) =>
        new(JournalOpKind.Put, entity, message.SequenceNumber, StoredMessage.From(message));

    public static JournalOp Update(string entity, BrokeredMessage message) =>
        new(JournalOpKind.Update, entity, message.SequenceNumber, deliveryCount: message.DeliveryCount, state: message.State);

    public static JournalOp Delete(string entity, long sequenceNumber) => new(JournalOpKind.Delete, entity, sequenceNumber);

    public static JournalOp Sequence(string entity, long sequenceNumber) => new(JournalOpKind.Sequence, entity, sequenceNumber);

    public static JournalOp Duplicate(string entity, string messageId, DateTime seen) => new(JournalOpKind.Duplicate, entity, text: messageId, ticks: seen.Ticks);

    public static JournalOp PruneDuplicates(string entity, DateTime before) => new(JournalOpKind.PruneDuplicates, entity, ticks: before.Ticks);
}

/// <summary>A message row: the sender's sections encoded as AMQP once, plus the broker's state as columns.</summary>
internal sealed record StoredMessage(
    long SequenceNumber,
    MessageState State,
    int DeliveryCount,
    long EnqueuedTicks,
    long? ScheduledTicks,
    long? ExpiresTicks,
    long? TimeToLiveTicks,
    string? DeadLetterSource,
    byte[] Payload)
{
    public static StoredMessage From(BrokeredMessage message) => new(
        message.SequenceNumber,
        message.State,
        message.DeliveryCount,
        message.EnqueuedTime.Ticks,
        message.ScheduledEnqueueTime?.Ticks,
        message.ExpiresAt?.Ticks,
        message.TimeToLive?.Ticks,
        message.DeadLetterSource,
        message.EncodeForStore());

    public BrokeredMessage ToMessage()
    {
        var message = BrokeredMessage.DecodeFromStore(Payload);
        message.SequenceNumber = SequenceNumber;
        message.State = State;
        message.DeliveryCount = DeliveryCount;
        message.EnqueuedTime = new DateTime(EnqueuedTicks, DateTimeKind.Utc);
        message.ScheduledEnqueueTime = ScheduledTicks is { } scheduled ? new DateTime(scheduled, DateTimeKind.Utc) : null;
        message.ExpiresAt = ExpiresTicks is { } expires ? new DateTime(expires, DateTimeKind.Utc) : null;
        message.TimeToLive = TimeToLiveTicks is { } ttl ? TimeSpan.FromTicks(ttl) : null;
        message.DeadLetterSource = DeadLetterSource;
        return message;
    }
}

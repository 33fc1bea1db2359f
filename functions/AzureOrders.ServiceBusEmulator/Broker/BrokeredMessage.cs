using AzureOrders.ServiceBusEmulator.Filters;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace AzureOrders.ServiceBusEmulator.Broker;

// Values match the client's ServiceBusMessageState.
internal enum MessageState { Active = 0, Deferred = 1, Scheduled = 2 }

/// <summary>
/// A message held by an entity: the sections the sender wrote (kept as decoded AMQP values so every
/// application property type survives unchanged) plus the broker's state (sequence number, lock, delivery count).
/// A fresh <see cref="AmqpMessage"/> is built for every transfer because the library owns a message once sent.
/// </summary>
internal sealed class BrokeredMessage : IMutableFilterMessage
{
    // Annotations the broker writes itself; a sender's copies are dropped.
    static readonly HashSet<string> BrokerAnnotations = new(StringComparer.Ordinal)
    {
        AnnotationNames.SequenceNumber, AnnotationNames.EnqueuedTime, AnnotationNames.LockedUntil,
        AnnotationNames.DeadLetterSource, AnnotationNames.EnqueueSequenceNumber, AnnotationNames.MessageState,
    };

    public required MessageProperties Properties { get; set; }

    public required Dictionary<string, object?> ApplicationProperties { get; init; }

    public required Dictionary<string, object?> Annotations { get; init; }

    public required MessageBody Body { get; init; }

    public TimeSpan? TimeToLive { get; set; }

    public bool? Durable { get; init; }

    public byte? Priority { get; init; }

    // Broker state.
    public long SequenceNumber { get; set; }

    public DateTime EnqueuedTime { get; set; }

    public DateTime? ExpiresAt { get; set; }

    public DateTime? ScheduledEnqueueTime { get; set; }

    public MessageState State { get; set; }

    public int DeliveryCount { get; set; }

    public Guid LockToken { get; set; }

    public DateTime LockedUntil { get; set; }

    public bool IsLocked => LockToken != Guid.Empty;

    public string? DeadLetterSource { get; set; }

    public static BrokeredMessage FromAmqp(AmqpMessage message)
    {
        var sections = message.Sections;
        var applicationProperties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if ((sections & SectionFlag.ApplicationProperties) != 0)
        {
            foreach (var pair in message.ApplicationProperties.Map)
            {
                applicationProperties[pair.Key.ToString()!] = pair.Value;
            }
        }

        var annotations = new Dictionary<string, object?>(StringComparer.Ordinal);
        DateTime? scheduled = null;
        if ((sections & SectionFlag.MessageAnnotations) != 0)
        {
            foreach (var pair in message.MessageAnnotations.Map)
            {
                var key = pair.Key.ToString()!;
                if (BrokerAnnotations.Contains(key))
                {
                    continue;
                }

                if (key == AnnotationNames.ScheduledEnqueueTime && pair.Value is DateTime when)
                {
                    scheduled = DateTime.SpecifyKind(when, DateTimeKind.Utc);
                }

                annotations[key] = pair.Value;
            }
        }

        TimeSpan? ttl = null;
        bool? durable = null;
        byte? priority = null;
        if ((sections & SectionFlag.Header) != 0)
        {
            ttl = message.Header.Ttl is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
            durable = message.Header.Durable;
            priority = message.Header.Priority;
        }

        var properties = (sections & SectionFlag.Properties) != 0 ? MessageProperties.From(message.Properties) : new MessageProperties();
        return new BrokeredMessage
        {
            Properties = properties,
            ApplicationProperties = applicationProperties,
            Annotations = annotations,
            Body = MessageBody.From(message),
            TimeToLive = ttl,
            Durable = durable,
            Priority = priority,
            ScheduledEnqueueTime = scheduled,
        };
    }

    /// <summary>A copy for another entity (subscription fan-out, dead-lettering); body bytes are shared, they never change.</summary>
    public BrokeredMessage Clone() => new()
    {
        Properties = Properties with { },
        ApplicationProperties = new Dictionary<string, object?>(ApplicationProperties, StringComparer.Ordinal),
        Annotations = new Dictionary<string, object?>(Annotations, StringComparer.Ordinal),
        Body = Body,
        TimeToLive = TimeToLive,
        Durable = Durable,
        Priority = Priority,
        SequenceNumber = SequenceNumber,
        EnqueuedTime = EnqueuedTime,
        ExpiresAt = ExpiresAt,
        ScheduledEnqueueTime = ScheduledEnqueueTime,
        DeliveryCount = DeliveryCount,
        DeadLetterSource = DeadLetterSource,
    };

    /// <summary>
    /// Builds the AMQP message for a transfer. AMQP's header delivery-count counts earlier failed
    /// deliveries: the client adds one for a received message and shows it unchanged for a peek.
    /// </summary>
    public AmqpMessage ToAmqp(bool forPeek)
    {
        var message = Body.CreateMessage();
        message.Header.DeliveryCount = (uint)Math.Max(0, forPeek ? DeliveryCount : DeliveryCount - 1);
        if (TimeToLive is { } ttl && ttl.TotalMilliseconds < uint.MaxValue)
        {
            message.Header.Ttl = (uint)ttl.TotalMilliseconds;
        }

        WriteSenderSections(message);
        var annotations = message.MessageAnnotations.Map;
        annotations[AnnotationNames.SequenceNumber] = SequenceNumber;
        annotations[AnnotationNames.EnqueuedTime] = EnqueuedTime;
        annotations[AnnotationNames.MessageState] = (int)State; // the client's ServiceBusMessageState: 0 active, 1 deferred, 2 scheduled
        if (IsLocked)
        {
            annotations[AnnotationNames.LockedUntil] = LockedUntil;
        }

        if (DeadLetterSource is not null)
        {
            annotations[AnnotationNames.DeadLetterSource] = DeadLetterSource;
        }

        return message;
    }

    /// <summary>
    /// The sender's sections (header, properties, application properties, its own annotations, body) as
    /// AMQP bytes for the durable store; the broker's state lives in the store's columns instead.
    /// </summary>
    public byte[] EncodeForStore()
    {
        using var message = Body.CreateMessage();
        WriteSenderSections(message);
        using var stream = message.ToStream();
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>What the sender set (header flags, properties, application properties, its annotations), for transfer and store alike.</summary>
    private void WriteSenderSections(AmqpMessage message)
    {
            if (Durable is { } durable)
            {
                message.Header.Durable = durable;
            }

            if (Priority is { } priority)
            {
                message.Header.Priority = priority;
            }

            Properties.WriteTo(message.Properties);
            foreach (var pair in ApplicationProperties)
            {
                message.ApplicationProperties.Map[pair.Key] = pair.Value;
            }

        foreach (var pair in Annotations)
        {
            message.MessageAnnotations.Map[pair.Key] = pair.Value;
        }
    }

    /// <summary>Decodes <see cref="EncodeForStore"/>'s bytes; the caller restores the broker's state.</summary>
    public static BrokeredMessage DecodeFromStore(byte[] payload)
    {
        using var decoded = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([new ArraySegment<byte>(payload)]), true);
        return FromAmqp(decoded);
    }

    public byte[] ToBytes(bool forPeek)
    {
        using var message = ToAmqp(forPeek);
        using var stream = message.ToStream();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Merges a settlement's properties into the application properties; true when there were any.</summary>
    public bool ApplyPropertiesToModify(IEnumerable<KeyValuePair<string, object?>>? properties)
    {
        if (properties is null)
        {
            return false;
        }

        var any = false;
        foreach (var pair in properties)
        {
            ApplicationProperties[pair.Key] = pair.Value;
            any = true;
        }

        return any;
    }

    public bool TryGetSystemProperty(string name, out object? value)
    {
        value = SystemPropertyNames.Normalize(name) switch
        {
            SystemPropertyNames.MessageId => Properties.MessageId,
            SystemPropertyNames.CorrelationId => Properties.CorrelationId,
            SystemPropertyNames.To => Properties.To,
            SystemPropertyNames.ReplyTo => Properties.ReplyTo,
            SystemPropertyNames.Label => Properties.Subject,
            SystemPropertyNames.SessionId => Properties.GroupId,
            SystemPropertyNames.ReplyToSessionId => Properties.ReplyToGroupId,
            SystemPropertyNames.ContentType => Properties.ContentType,
            SystemPropertyNames.DeliveryCount => (long)DeliveryCount,
            SystemPropertyNames.SequenceNumber => SequenceNumber,
            SystemPropertyNames.EnqueuedTimeUtc => EnqueuedTime,
            SystemPropertyNames.ScheduledEnqueueTimeUtc => ScheduledEnqueueTime,
            SystemPropertyNames.TimeToLive => TimeToLive,
            SystemPropertyNames.ExpiresAtUtc => ExpiresAt,
            _ => Unknown,
        };
        if (ReferenceEquals(value, Unknown))
        {
            value = null;
            return false;
        }

        return true;
    }

    static readonly object Unknown = new();

    public bool TryGetApplicationProperty(string name, out object? value) => ApplicationProperties.TryGetValue(name, out value);

    public void SetSystemProperty(string name, object? value)
    {
        var text = value?.ToString();
        Properties = SystemPropertyNames.Normalize(name) switch
        {
            SystemPropertyNames.MessageId => Properties with { MessageId = text },
            SystemPropertyNames.CorrelationId => Properties with { CorrelationId = text },
            SystemPropertyNames.To => Properties with { To = text },
            SystemPropertyNames.ReplyTo => Properties with { ReplyTo = text },
            SystemPropertyNames.Label => Properties with { Subject = text },
            SystemPropertyNames.SessionId => Properties with { GroupId = text },
            SystemPropertyNames.ReplyToSessionId => Properties with { ReplyToGroupId = text },
            SystemPropertyNames.ContentType => Properties with { ContentType = text },
            _ => throw new FilterEvaluationException($"System property '{name}' cannot be set by a rule action."),
        };
    }

    public void SetApplicationProperty(string name, object? value) => ApplicationProperties[name] = value;

    public void RemoveApplicationProperty(string name) => ApplicationProperties.Remove(name);
}

/// <summary>The AMQP properties section as plain values (message ids kept as strings, as Service Bus uses them).</summary>
internal sealed record MessageProperties
{
    public string? MessageId { get; init; }

    public string? CorrelationId { get; init; }

    public string? To { get; init; }

    public string? ReplyTo { get; init; }

    public string? Subject { get; init; }

    public string? GroupId { get; init; }

    public string? ReplyToGroupId { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public ArraySegment<byte> UserId { get; init; }

    public DateTime? CreationTime { get; init; }

    public DateTime? AbsoluteExpiryTime { get; init; }

    public uint? GroupSequence { get; init; }

    public static MessageProperties From(Properties p) => new()
    {
        MessageId = p.MessageId?.ToString(),
        CorrelationId = p.CorrelationId?.ToString(),
        To = p.To?.ToString(),
        ReplyTo = p.ReplyTo?.ToString(),
        Subject = p.Subject,
        GroupId = p.GroupId,
        ReplyToGroupId = p.ReplyToGroupId,
        ContentType = p.ContentType.Value,
        ContentEncoding = p.ContentEncoding.Value,
        UserId = p.UserId.Array is null ? default : new ArraySegment<byte>(p.UserId.ToArray()),
        CreationTime = p.CreationTime,
        AbsoluteExpiryTime = p.AbsoluteExpiryTime,
        GroupSequence = p.GroupSequence,
    };

    public void WriteTo(Properties p)
    {
        if (MessageId is not null) p.MessageId = MessageId;
        if (CorrelationId is not null) p.CorrelationId = CorrelationId;
        if (To is not null) p.To = To;
        if (ReplyTo is not null) p.ReplyTo = ReplyTo;
        if (Subject is not null) p.Subject = Subject;
        if (GroupId is not null) p.GroupId = GroupId;
        if (ReplyToGroupId is not null) p.ReplyToGroupId = ReplyToGroupId;
        if (ContentType is not null) p.ContentType = ContentType;
        if (ContentEncoding is not null) p.ContentEncoding = ContentEncoding;
        if (UserId.Array is not null) p.UserId = UserId;
        if (CreationTime is not null) p.CreationTime = CreationTime;
        if (AbsoluteExpiryTime is not null) p.AbsoluteExpiryTime = AbsoluteExpiryTime;
        if (GroupSequence is not null) p.GroupSequence = GroupSequence;
    }
}

/// <summary>The body sections, copied out of the transfer buffer once and shared by every copy of the message.</summary>
internal sealed class MessageBody
{
    IReadOnlyList<byte[]>? data;
    object? value;
    bool hasValue;
    IReadOnlyList<System.Collections.IList>? sequences;

    public static MessageBody From(AmqpMessage message)
    {
        var body = new MessageBody();
        var type = message.BodyType;
        if ((type & SectionFlag.Data) != 0 && message.DataBody is { } data)
        {
            body.data = data.Select(d => d.Value is ArraySegment<byte> segment ? segment.ToArray() : []).ToList();
        }
        else if ((type & SectionFlag.AmqpValue) != 0 && message.ValueBody is { } value)
        {
            body.value = value.Value;
            body.hasValue = true;
        }
        else if ((type & SectionFlag.AmqpSequence) != 0 && message.SequenceBody is { } sequences)
        {
            body.sequences = sequences.Select(s => s.List).ToList();
        }

        return body;
    }

    public AmqpMessage CreateMessage()
    {
        if (hasValue)
        {
            return AmqpMessage.Create(new AmqpValue { Value = value });
        }

        if (sequences is not null)
        {
            return AmqpMessage.Create(sequences.Select(l => new AmqpSequence(l)).ToList());
        }

        return AmqpMessage.Create((data ?? [[]]).Select(d => new Data { Value = new ArraySegment<byte>(d) }).ToList());
    }
}

internal static class AnnotationNames
{
    public const string SequenceNumber = "x-opt-sequence-number";
    public const string EnqueuedTime = "x-opt-enqueued-time";
    public const string LockedUntil = "x-opt-locked-until";
    public const string ScheduledEnqueueTime = "x-opt-scheduled-enqueue-time";
    public const string DeadLetterSource = "x-opt-deadletter-source";
    public const string EnqueueSequenceNumber = "x-opt-enqueue-sequence-number";
    public const string MessageState = "x-opt-message-state";
}

using AzureOrders.ServiceBusEmulator.Broker;
using AzureOrders.ServiceBusEmulator.Persistence;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Amqp;

/// <summary>
/// Takes messages from a client's sender link into a queue or topic. With a durable store the send is
/// accepted only once it is committed, so an acknowledged message survives a crash.
/// </summary>
internal sealed class IncomingEntityLink(ReceivingAmqpLink link, IMessageEntry entry, DurableJournal? journal, ILogger logger)
{
    // Service Bus batches: one AMQP message whose Data sections each hold an encoded message.
    const uint BatchFormat = 0x80013700;

    public void Start() => link.RegisterMessageListener(OnMessage);

    void OnMessage(AmqpMessage message)
    {
        try
        {
            if (message.MessageFormat == BatchFormat)
            {
                foreach (var data in message.DataBody)
                {
                    var segment = (ArraySegment<byte>)data.Value;
                    using var inner = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([segment]), true);
                    Accept(BrokeredMessage.FromAmqp(inner));
                }
            }
            else
            {
                Accept(BrokeredMessage.FromAmqp(message));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Rejected a message sent to {Entity}", entry.Name);
            Answer(message, e);
            return;
        }

        var durable = journal?.WhenDurable;
        if (durable is null || durable.IsCompletedSuccessfully)
        {
            Answer(message, null);
            return;
        }

        durable.ContinueWith(
            static (commit, state) =>
            {
                var (self, message) = ((IncomingEntityLink, AmqpMessage))state!;
                self.Answer(message, commit.Exception?.InnerException);
            },
            (this, message),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    void Answer(AmqpMessage message, Exception? failure)
    {
        try
        {
            // Not batchable: a batched disposition waits for a flush timer and the sender waits for it.
            var outcome = failure is null
                ? (Outcome)AmqpConstants.AcceptedOutcome
                : new Rejected { Error = new Error { Condition = AmqpErrorCode.InternalError, Description = failure.Message } };
            link.DisposeMessage(message, outcome, settled: true, batchable: false);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or AmqpException)
        {
            logger.LogDebug("Could not answer a send to {Entity}: {Error}", entry.Name, e.Message); // the link closed meanwhile
        }
        finally
        {
            message.Dispose();
        }
    }

    void Accept(BrokeredMessage message)
    {
        var sequenceNumber = entry.Send(message);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Received {Entity} id={MessageId} seq={SequenceNumber}", entry.Name, message.Properties.MessageId, sequenceNumber?.ToString() ?? "duplicate");
        }
    }
}

/// <summary>
/// Delivers a store's messages to a client's receiver link and applies the client's dispositions;
/// with a durable store a settlement is confirmed only once it is committed.
/// </summary>
internal sealed class OutgoingEntityLink(SendingAmqpLink link, MessageStore store, DurableJournal? journal, ILogger logger) : IMessageConsumer
{
    const string DeadLetterCondition = "com.microsoft:dead-letter";
    static readonly Outcome LockLostOutcome = new Rejected
    {
        Error = new Error
        {
            Condition = new AmqpSymbol("com.microsoft:message-lock-lost"),
            Description = "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        },
    };

    public bool ReceiveAndDelete { get; } = link.Settings.SettleType == SettleMode.SettleOnSend;

    public uint LinkCredit => link.LinkCredit;

    public void Start()
    {
        store.AddConsumer(this);
        link.RegisterCreditListener(OnCredit);
        link.RegisterDispositionListener(OnDisposition);
        link.Closed += (_, _) => store.RemoveConsumer(this);
    }

    public void Deliver(AmqpMessage message, Guid lockToken) =>
        link.SendMessageNoWait(message, new ArraySegment<byte>(lockToken.ToByteArray()), AmqpConstants.NullBinary);

    void OnCredit(uint credit, bool drain, ArraySegment<byte> txnId)
    {
        if (store.AddCredit(this, credit, drain))
        {
            // Nothing left to send during a drain: a flow (which echoes drain=true) lets the receiver finish draining.
            link.SendProperties(new Fields());
        }
    }

    void OnDisposition(Delivery delivery)
    {
        if (delivery.DeliveryTag.Count != 16)
        {
            return;
        }

        var lockToken = new Guid(delivery.DeliveryTag.AsSpan());
        var outcome = delivery.State switch
        {
            Accepted => store.Complete(lockToken),
            Modified { UndeliverableHere: true } modified => store.Defer(lockToken, ToProperties(modified.MessageAnnotations)),
            Modified modified => store.Abandon(lockToken, ToProperties(modified.MessageAnnotations)),
            Rejected rejected => DeadLetter(lockToken, rejected),
            // A receiver without prefetch releases (already settled) a transfer that arrives after its
            // receive call timed out: the message goes back without counting as a delivery.
            Released => store.Release(lockToken),
            _ => SettleOutcome.Settled,
        };

        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Disposition {State} on {Path}: {Outcome}", delivery.State?.GetType().Name, store.Path, outcome);
        }

        if (delivery.Settled)
        {
            return; // the receiver settled first: nothing to answer
        }

        // The client marks its dispositions batchable; answering batched would wait for the session's flush timer.
        delivery.Batchable = false;
        // The client treats a Rejected echo of its own dead-letter request as a failure: answer Accepted.
        var answer = outcome == SettleOutcome.Settled ? AmqpConstants.AcceptedOutcome : LockLostOutcome;
        var durable = journal?.WhenDurable;
        if (durable is null || durable.IsCompletedSuccessfully)
        {
            link.DisposeDelivery(delivery, true, answer);
            return;
        }

        durable.ContinueWith(
            static (commit, state) =>
            {
                var (self, delivery, answer) = ((OutgoingEntityLink, Delivery, Outcome))state!;
                self.AnswerLater(delivery, commit.Exception?.InnerException is { } failure
                    ? new Rejected { Error = new Error { Condition = AmqpErrorCode.InternalError, Description = failure.Message } }
                    : answer);
            },
            (this, delivery, answer),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    void AnswerLater(Delivery delivery, Outcome answer)
    {
        try
        {
            link.DisposeDelivery(delivery, true, answer);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or AmqpException)
        {
            logger.LogDebug("Could not confirm a settlement on {Path}: {Error}", store.Path, e.Message); // the link closed meanwhile
        }
    }

    SettleOutcome DeadLetter(Guid lockToken, Rejected rejected)
    {
        string? reason = null, description = null;
        List<KeyValuePair<string, object?>>? properties = null;
        if (rejected.Error is { } error && error.Condition.Value == DeadLetterCondition && error.Info is { } info)
        {
            foreach (var pair in info)
            {
                var key = pair.Key.ToString()!;
                if (key == MessageStore.DeadLetterReasonProperty)
                {
                    reason = pair.Value as string;
                }
                else if (key == MessageStore.DeadLetterDescriptionProperty)
                {
                    description = pair.Value as string;
                }
                else
                {
                    (properties ??= []).Add(new(key, pair.Value));
                }
            }
        }

        return store.DeadLetter(lockToken, reason, description, properties);
    }

    static List<KeyValuePair<string, object?>>? ToProperties(Fields? fields) =>
        fields?.Select(p => new KeyValuePair<string, object?>(p.Key.ToString()!, p.Value)).ToList();
}

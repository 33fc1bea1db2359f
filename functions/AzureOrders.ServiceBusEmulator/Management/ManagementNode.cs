using AzureOrders.ServiceBusEmulator.Amqp;
using AzureOrders.ServiceBusEmulator.Broker;
using AzureOrders.ServiceBusEmulator.Persistence;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Management;

/// <summary>
/// The <c>{entity}/$management</c> request/response node: lock renewal, peek, settlement by lock
/// token (deferred messages), receive by sequence number, scheduling and cancelling. Replies carry
/// camelCase <c>statusCode</c>/<c>statusDescription</c>/<c>errorCondition</c> as the client reads them.
/// With a durable store, operations that change state reply only once the change is committed.
/// </summary>
internal sealed class ManagementNode(ReplyLinks replies, DurableJournal? journal, ILogger logger)
{
    public const string Suffix = "/$management";

    const string LockLost = "com.microsoft:message-lock-lost";
    const string MessageNotFound = "com.microsoft:message-not-found";

    public void Attach(ReceivingAmqpLink requests, ResolvedAddress target)
    {
        requests.RegisterMessageListener(request =>
        {
            var connection = requests.Session.Connection;
            var replyTo = request.Properties.ReplyTo?.ToString();
            var messageId = request.Properties.MessageId;
            AmqpMessage response;
            try
            {
                response = Handle(request, target);
            }
            catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or ArgumentException or NullReferenceException)
            {
                response = Reply(400, e.Message, "com.microsoft:argument-error");
            }

            var changesState = request.ApplicationProperties.Map["operation"] is "com.microsoft:update-disposition" or "com.microsoft:schedule-message" or "com.microsoft:cancel-scheduled-message";
            requests.DisposeMessage(request, AmqpConstants.AcceptedOutcome, settled: true, batchable: false);
            request.Dispose();
            var durable = changesState ? journal?.WhenDurable : null;
            if (durable is null || durable.IsCompletedSuccessfully)
            {
                response.Properties.CorrelationId = messageId;
                replies.TrySend(connection, replyTo, response);
                return;
            }

            durable.ContinueWith(
                commit =>
                {
                    var answer = response;
                    if (commit.Exception?.InnerException is { } failure)
                    {
                        response.Dispose();
                        answer = Reply(500, failure.Message, "com.microsoft:internal-error");
                    }

                    answer.Properties.CorrelationId = messageId;
                    try
                    {
                        replies.TrySend(connection, replyTo, answer);
                    }
                    catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or AmqpException)
                    {
                        logger.LogDebug("Could not answer a management request on {Path}: {Error}", target.Path, e.Message); // the link closed meanwhile
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        });
    }

    AmqpMessage Handle(AmqpMessage request, ResolvedAddress target)
    {
        var operation = request.ApplicationProperties.Map["operation"] as string;
        var map = request.ValueBody?.Value as AmqpMap ?? new AmqpMap();
        logger.LogDebug("Management {Operation} on {Path}", operation, target.Path);
        var store = target.Store;
        return operation switch
        {
            "com.microsoft:renew-lock" when store is not null => RenewLock(store, map),
            "com.microsoft:peek-message" when store is not null => Peek(store, map),
            "com.microsoft:update-disposition" when store is not null => UpdateDisposition(store, map),
            "com.microsoft:receive-by-sequence-number" when store is not null => ReceiveBySequenceNumber(store, map),
            "com.microsoft:schedule-message" when target.Entry is not null => Schedule(target.Entry, map),
            "com.microsoft:cancel-scheduled-message" when target.Entry is not null => CancelScheduled(target.Entry, map),
            "com.microsoft:renew-session-lock" or "com.microsoft:get-session-state" or "com.microsoft:set-session-state" =>
                Reply(501, "Sessions are not supported by the embedded Service Bus emulator.", "amqp:not-implemented"),
            _ => Reply(501, $"Operation '{operation}' is not supported on '{target.Path}' by the embedded Service Bus emulator.", "amqp:not-implemented"),
        };
    }

    static AmqpMessage RenewLock(MessageStore store, AmqpMap map)
    {
        var tokens = (Guid[])map[new MapKey("lock-tokens")];
        var expirations = new DateTime[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            if (store.RenewLock(tokens[i]) is not { } until)
            {
                return Reply(410, "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.", LockLost);
            }

            expirations[i] = until;
        }

        return Reply(200, body: new AmqpMap { [new MapKey("expirations")] = expirations });
    }

    static AmqpMessage Peek(MessageStore store, AmqpMap map)
    {
        var from = Convert.ToInt64(map[new MapKey("from-sequence-number")]);
        var count = Convert.ToInt32(map[new MapKey("message-count")]);
        var messages = store.Peek(from, count);
        if (messages.Count == 0)
        {
            return Reply(204, "No messages");
        }

        var list = messages.Select(bytes => (object)new AmqpMap { [new MapKey("message")] = new ArraySegment<byte>(bytes) }).ToList();
        return Reply(200, body: new AmqpMap { [new MapKey("messages")] = list });
    }

    static AmqpMessage UpdateDisposition(MessageStore store, AmqpMap map)
    {
        var tokens = (Guid[])map[new MapKey("lock-tokens")];
        var status = (map[new MapKey("disposition-status")] as string)?.ToLowerInvariant();
        var reason = map[new MapKey("deadletter-reason")] as string;
        var description = map[new MapKey("deadletter-description")] as string;
        var properties = (map[new MapKey("properties-to-modify")] as AmqpMap)?.Select(p => new KeyValuePair<string, object?>(p.Key.ToString()!, p.Value)).ToList();
        foreach (var token in tokens)
        {
            var outcome = status switch
            {
                "completed" => store.Complete(token),
                "abandoned" => store.Abandon(token, properties),
                "defered" or "deferred" => store.Defer(token, properties),
                "suspended" => store.DeadLetter(token, reason, description, properties),
                _ => throw new ArgumentException($"Unknown disposition-status '{status}'."),
            };
            if (outcome == SettleOutcome.LockLost)
            {
                return Reply(410, "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.", LockLost);
            }
        }

        return Reply(200);
    }

    static AmqpMessage ReceiveBySequenceNumber(MessageStore store, AmqpMap map)
    {
        var sequenceNumbers = (long[])map[new MapKey("sequence-numbers")];
        var receiveAndDelete = map[new MapKey("receiver-settle-mode")] is uint mode && mode == 0;
        try
        {
            var received = store.ReceiveDeferred(sequenceNumbers, receiveAndDelete);
            var list = received.Select(r =>
            {
                var entry = new AmqpMap { [new MapKey("message")] = new ArraySegment<byte>(r.Message) };
                if (r.LockToken != Guid.Empty)
                {
                    entry[new MapKey("lock-token")] = r.LockToken;
                }

                return (object)entry;
            }).ToList();
            return Reply(200, body: new AmqpMap { [new MapKey("messages")] = list });
        }
        catch (MessageNotFoundException e)
        {
            return Reply(404, e.Message, MessageNotFound);
        }
    }

    static AmqpMessage Schedule(IMessageEntry entry, AmqpMap map)
    {
        var entries = (IEnumerable<object>)map[new MapKey("messages")];
        var sequenceNumbers = new List<long>();
        foreach (AmqpMap item in entries)
        {
            var payload = (ArraySegment<byte>)item[new MapKey("message")];
            using var decoded = AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([payload]), true);
            var message = BrokeredMessage.FromAmqp(decoded);
            // A scheduled message accepted as a duplicate has no sequence number; the client needs one, 0 stands in.
            sequenceNumbers.Add(entry.Send(message) ?? 0);
        }

        return Reply(200, body: new AmqpMap { [new MapKey("sequence-numbers")] = sequenceNumbers.ToArray() });
    }

    static AmqpMessage CancelScheduled(IMessageEntry entry, AmqpMap map)
    {
        foreach (var sequenceNumber in (long[])map[new MapKey("sequence-numbers")])
        {
            entry.CancelScheduled(sequenceNumber);
        }

        return Reply(200);
    }

    static AmqpMessage Reply(int status, string? description = null, string? condition = null, AmqpMap? body = null)
    {
        var response = AmqpMessage.Create(new AmqpValue { Value = body ?? new AmqpMap() });
        response.ApplicationProperties.Map["statusCode"] = status;
        if (description is not null)
        {
            response.ApplicationProperties.Map["statusDescription"] = description;
        }

        if (condition is not null)
        {
            response.ApplicationProperties.Map["errorCondition"] = new AmqpSymbol(condition);
        }

        return response;
    }
}

using System.Collections.Concurrent;
using Microsoft.Azure.Amqp;

namespace AzureOrders.ServiceBusEmulator.Amqp;

/// <summary>
/// The links a request/response client ($cbs, $management) receives replies on, found by the
/// reply-to address of a request (the client's receiver link target), per connection.
/// </summary>
internal sealed class ReplyLinks
{
    readonly ConcurrentDictionary<(AmqpConnection Connection, string Address), SendingAmqpLink> links = new();
    long tag;

    public void Add(SendingAmqpLink link, string address)
    {
        var key = (link.Session.Connection, address);
        links[key] = link;
        link.Closed += (_, _) => links.TryRemove(new KeyValuePair<(AmqpConnection, string), SendingAmqpLink>(key, link));
    }

    public bool TrySend(AmqpConnection connection, string? replyTo, AmqpMessage response)
    {
        if (replyTo is null || !links.TryGetValue((connection, replyTo), out var link))
        {
            response.Dispose();
            return false;
        }

        var deliveryTag = new ArraySegment<byte>(BitConverter.GetBytes(Interlocked.Increment(ref tag)));
        link.SendMessageNoWait(response, deliveryTag, AmqpConstants.NullBinary);
        return true;
    }
}

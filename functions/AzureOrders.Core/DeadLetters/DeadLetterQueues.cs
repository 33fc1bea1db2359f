using System.Runtime.CompilerServices;
using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Opens and reads dead-letter sub-queues over AMQP only. Counting uses peek, not ServiceBusAdministrationClient:
/// the administration client speaks REST, which the emulators do not serve, and peek needs only Listen rights.
/// </summary>
internal static class DeadLetterQueues
{
    /// <summary>The broker returns at most this many per peek; pages continue from the last sequence number + 1.</summary>
    public const int PageSize = 250;

    public static ServiceBusReceiver Open(ServiceBusClient client, Endpoint endpoint, ServiceBusReceiveMode mode)
    {
        // No prefetch: a sweep must hold locks only on messages it has looked at.
        var options = new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = mode, PrefetchCount = 0 };
        return endpoint.Kind == EntityKind.Queue
            ? client.CreateReceiver(endpoint.EntityName, options)
            : client.CreateReceiver(endpoint.EntityName, endpoint.SubscriptionName, options);
    }

    /// <summary>Every message in the dead-letter queue, oldest first, without locking or changing any.</summary>
    public static async IAsyncEnumerable<DeadLetterMessage> PeekAllAsync(
        ServiceBusClient client, Endpoint endpoint, [EnumeratorCancellation] CancellationToken cancellationToken, Action<Endpoint, int>? onPage = null, long from = 0)
    {
        await using var receiver = Open(client, endpoint, ServiceBusReceiveMode.PeekLock);
        while (true)
        {
            // An explicit start per page: the receiver's own peek cursor is shared state we need not rely on.
            var page = await receiver.PeekMessagesAsync(PageSize, from, cancellationToken);
            if (page.Count == 0) yield break;
            onPage?.Invoke(endpoint, page.Count);
            foreach (var message in page) yield return DeadLetterMessage.From(endpoint, message);
            from = page[^1].SequenceNumber + 1;
        }
    }

    /// <summary>The matching messages of every entity the filter selects, at most <see cref="DeadLetterFilter.Max"/> in all.</summary>
    public static async Task<IReadOnlyList<(Endpoint Endpoint, IReadOnlyList<DeadLetterMessage> Messages)>> FindAsync(
        ServiceBusClient client, Topology topology, DeadLetterFilter filter, CancellationToken cancellationToken, Action<Endpoint, int>? onPage = null)
    {
        var found = new List<(Endpoint, IReadOnlyList<DeadLetterMessage>)>();
        var remaining = filter.Max ?? int.MaxValue;
        foreach (var endpoint in filter.EndpointsIn(topology))
        {
            if (remaining <= 0) break;
            var matching = new List<DeadLetterMessage>();
            await foreach (var message in PeekAllAsync(client, endpoint, cancellationToken, onPage, filter.AfterSequence + 1 ?? 0))
            {
                if (!filter.Matches(message)) continue;
                matching.Add(message);
                if (--remaining <= 0) break;
            }
            if (matching.Count > 0) found.Add((endpoint, matching));
        }
        return found;
    }
}

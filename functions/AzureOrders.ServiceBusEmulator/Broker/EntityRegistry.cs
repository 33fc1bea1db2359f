using AzureOrders.ServiceBusEmulator.Configuration;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Broker;

/// <summary>What a link address names once resolved.</summary>
internal sealed record ResolvedAddress(string Path, IMessageEntry? Entry, MessageStore? Store);

/// <summary>The namespace's entities by path, matched case-insensitively as the service does.</summary>
internal sealed class EntityRegistry
{
    readonly Dictionary<string, IMessageEntry> entries = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, MessageStore> stores = new(StringComparer.OrdinalIgnoreCase);

    public EntityRegistry(EmulatorConfig config, TimeProvider time, ILogger logger)
    {
        config.Validate();
        foreach (var definition in config.Queues)
        {
            var queue = new QueueEntity(definition, time, logger);
            entries.Add(queue.Name, queue);
            Register(queue.Store);
            logger.LogInformation("Queue {Queue} (lock {LockDuration}, max deliveries {MaxDeliveryCount}, duplicate detection {DuplicateDetection})",
                queue.Name, definition.LockDuration, definition.MaxDeliveryCount, definition.RequiresDuplicateDetection);
        }

        foreach (var definition in config.Topics)
        {
            var topic = new TopicEntity(definition, time, logger);
            entries.Add(topic.Name, topic);
            logger.LogInformation("Topic {Topic} (duplicate detection {DuplicateDetection})", topic.Name, definition.RequiresDuplicateDetection);
            foreach (var subscription in topic.Subscriptions)
            {
                Register(subscription.Store);
                logger.LogInformation("Subscription {Topic}/{Subscription} with rules {Rules}", topic.Name, subscription.Name, string.Join(", ", subscription.Rules.Select(r => r.Name)));
            }
        }
    }

    public IEnumerable<IMessageEntry> Entries => entries.Values;

    void Register(MessageStore store)
    {
        stores.Add(store.Path, store);
        stores.Add(store.DeadLetterQueue!.Path, store.DeadLetterQueue);
    }

    /// <summary>Strips a scheme and host (some clients send full URIs) and the slashes around the path.</summary>
    public static string NormalizePath(string address)
    {
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "sb" or "amqp" or "amqps")
        {
            address = uri.AbsolutePath;
        }

        return address.Trim('/');
    }

    public ResolvedAddress? Resolve(string address)
    {
        var path = NormalizePath(address);
        entries.TryGetValue(path, out var entry);
        stores.TryGetValue(path, out var store);
        return entry is null && store is null ? null : new ResolvedAddress(path, entry, store);
    }

    /// <summary>Counts for every queue and subscription (not their dead-letter queues, which each count includes).</summary>
    public IReadOnlyList<EntityMessageCounts> GetCounts() =>
        stores.Values.Where(s => !s.Options.IsDeadLetterQueue).Select(s => s.GetCounts()).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();

    public void Tick()
    {
        foreach (var entry in entries.Values)
        {
            entry.Tick();
        }
    }
}

using AzureOrders.ServiceBusEmulator.Configuration;
using AzureOrders.ServiceBusEmulator.Persistence;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Broker;

/// <summary>What a link address names once resolved.</summary>
internal sealed record ResolvedAddress(string Path, IMessageEntry? Entry, MessageStore? Store);

/// <summary>The namespace's entities by path, matched case-insensitively as the service does.</summary>
internal sealed class EntityRegistry
{
    readonly Dictionary<string, IMessageEntry> entries = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, MessageStore> stores = new(StringComparer.OrdinalIgnoreCase);

    readonly ILogger logger;

    public EntityRegistry(EmulatorConfig config, TimeProvider time, ILogger logger, DurableJournal? journal = null)
    {
        this.logger = logger;
        Journal = journal;
        config.Validate();
        foreach (var definition in config.Queues)
        {
            var queue = new QueueEntity(definition, time, logger, journal);
            entries.Add(queue.Name, queue);
            Register(queue.Store);
            logger.LogInformation("Queue {Queue} (lock {LockDuration}, max deliveries {MaxDeliveryCount}, duplicate detection {DuplicateDetection})",
                queue.Name, definition.LockDuration, definition.MaxDeliveryCount, definition.RequiresDuplicateDetection);
        }

        foreach (var definition in config.Topics)
        {
            var topic = new TopicEntity(definition, time, logger, journal);
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

    /// <summary>The durable store; null when the emulator keeps its state in memory.</summary>
    public DurableJournal? Journal { get; }

    /// <summary>
    /// Puts back what a data directory held (before any client can connect) and continues every
    /// entity's sequence numbers above the highest it ever handed out. Messages of entities the
    /// configuration no longer has stay in the file untouched.
    /// </summary>
    public void Restore(RestoredState state)
    {
        var restored = 0;
        var orphans = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (entity, message) in state.Messages)
        {
            if (stores.TryGetValue(entity, out var store))
            {
                store.Restore(message);
                restored++;
            }
            else if (entries.TryGetValue(entity, out var entry) && entry is TopicEntity topic)
            {
                topic.RestoreScheduled(message);
                restored++;
            }
            else
            {
                orphans[entity] = orphans.GetValueOrDefault(entity) + 1;
            }
        }

        foreach (var entry in entries.Values)
        {
            // The counter row may lag the messages by nothing more than a crash inside one commit; take the larger.
            var last = state.Sequences.GetValueOrDefault(entry.Name);
            foreach (var store in entry.Stores)
            {
                last = Math.Max(last, store.MaxSequenceNumber);
            }

            if (entry is TopicEntity topic)
            {
                last = Math.Max(last, topic.MaxScheduledSequenceNumber);
            }

            entry.RestoreSequence(last);
        }

        foreach (var (entity, messageId, seen) in state.Duplicates)
        {
            if (entries.TryGetValue(entity, out var entry))
            {
                entry.RestoreDuplicate(messageId, seen);
            }
        }

        foreach (var (entity, count) in orphans)
        {
            logger.LogWarning("{Count} stored message(s) of '{Entity}', which the configuration does not define, are kept in the store but not served", count, entity);
        }

        logger.LogInformation("Restored {Count} message(s) and {Duplicates} duplicate-detection entries from {Path}", restored, state.Duplicates.Count, Journal?.FilePath);
    }

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

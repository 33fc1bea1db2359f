using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using AzureOrders.Contracts;

namespace AzureOrders.Messaging;

// Typed view of infra/topology.json. Bicep, the emulators' configs and the Function App's triggers read
// the same file, so its shape is fixed by them: these records only mirror it (unknown members are ignored).

public sealed record CorrelationFilterSpec(
    string? Label,
    string? CorrelationId,
    string? MessageId,
    IReadOnlyDictionary<string, string>? Properties);

public sealed record RuleSpec(string Name, string FilterType, CorrelationFilterSpec? CorrelationFilter, string? SqlFilter);

public sealed record SubscriptionSpec(
    string Name,
    string Consumer,
    string? Description,
    int MaxDeliveryCount,
    string LockDuration,
    bool DeadLetteringOnMessageExpiration,
    bool DeadLetteringOnFilterEvaluationExceptions,
    string? DefaultMessageTimeToLive,
    IReadOnlyList<RuleSpec> Rules)
{
    public TimeSpan LockDurationTimeSpan => XmlConvert.ToTimeSpan(LockDuration);

    /// <summary>Event types this subscription's correlation filters let through (the redelivery rule aside).</summary>
    public IEnumerable<string> EventTypes =>
        Rules.Select(r => r.CorrelationFilter?.Label).OfType<string>();
}

public sealed record TopicSpec(
    string Name,
    string Producer,
    IReadOnlyList<string> EventTypes,
    bool RequiresDuplicateDetection,
    string? DuplicateDetectionHistoryTimeWindow,
    string? DefaultMessageTimeToLive,
    int MaxSizeInMegabytes,
    IReadOnlyList<SubscriptionSpec> Subscriptions);

public sealed record QueueSpec(
    string Name,
    string Consumer,
    IReadOnlyList<string> CommandTypes,
    string? Description,
    int MaxDeliveryCount,
    string LockDuration,
    bool RequiresDuplicateDetection,
    string? DuplicateDetectionHistoryTimeWindow,
    bool DeadLetteringOnMessageExpiration,
    string? DefaultMessageTimeToLive,
    int MaxSizeInMegabytes);

public enum EntityKind { Topic, Queue }

/// <summary>Where a message type is sent: a producer's topic for events, the owner's queue for commands.</summary>
public sealed record Route(EntityKind Kind, string EntityName);

/// <summary>One place a consumer receives from: a topic subscription or a command queue.</summary>
public sealed record Endpoint(EntityKind Kind, string EntityName, string? SubscriptionName, string Consumer, IReadOnlyList<string> MessageTypes)
{
    /// <summary>The entity path Service Bus reports (<c>orders/subscriptions/saga</c> or the queue name).</summary>
    public string Path => Kind == EntityKind.Queue ? EntityName : $"{EntityName}/subscriptions/{SubscriptionName}";

    /// <summary>The value of <see cref="MessageProperties.RedeliverTo"/> that targets only this subscription.</summary>
    public string? RedeliveryTarget => Kind == EntityKind.Topic ? $"{EntityName}/{SubscriptionName}" : null;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(Topology))]
internal sealed partial class TopologyJsonContext : JsonSerializerContext;

/// <summary>The loaded topology plus the routing questions Core asks of it.</summary>
public sealed record Topology(IReadOnlyList<TopicSpec> Topics, IReadOnlyList<QueueSpec> Queues)
{
    private static readonly Lazy<string> EmbeddedJson = new(() =>
    {
        using var stream = typeof(Topology).Assembly.GetManifestResourceStream("AzureOrders.topology.json")
            ?? throw new InvalidOperationException("The embedded topology.json is missing.");
        return new StreamReader(stream).ReadToEnd();
    });

    private static readonly Lazy<Topology> Embedded = new(() => Parse(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(EmbeddedJson.Value))));

    /// <summary>The text of <see cref="Default"/>, for tools that read the file format themselves (the emulator's loader).</summary>
    public static string DefaultJson => EmbeddedJson.Value;

    /// <summary>The copy of infra/topology.json compiled into Core (the build embeds the file itself, so they cannot differ).</summary>
    public static Topology Default => Embedded.Value;

    public static Topology Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream);
    }

    public static Topology Parse(Stream json) =>
        JsonSerializer.Deserialize(json, TopologyJsonContext.Default.Topology)
        ?? throw new InvalidDataException("topology.json is empty.");

    /// <summary>The topic (events) or queue (commands) a message type is sent to.</summary>
    public Route RouteFor(string messageType)
    {
        foreach (var t in Topics)
            if (t.EventTypes.Contains(messageType, StringComparer.Ordinal)) return new Route(EntityKind.Topic, t.Name);
        foreach (var q in Queues)
            if (q.CommandTypes.Contains(messageType, StringComparer.Ordinal)) return new Route(EntityKind.Queue, q.Name);
        throw new KeyNotFoundException($"No topic or queue carries '{messageType}'; add it to infra/topology.json.");
    }

    /// <summary>Every subscription and queue, with the consumer that handles it.</summary>
    public IReadOnlyList<Endpoint> Endpoints =>
    [
        .. Topics.SelectMany(t => t.Subscriptions.Select(s =>
            new Endpoint(EntityKind.Topic, t.Name, s.Name, s.Consumer, [.. s.EventTypes]))),
        .. Queues.Select(q => new Endpoint(EntityKind.Queue, q.Name, null, q.Consumer, q.CommandTypes)),
    ];

    public IEnumerable<Endpoint> EndpointsOf(string consumer) =>
        Endpoints.Where(e => string.Equals(e.Consumer, consumer, StringComparison.Ordinal));

    /// <summary>The consumer that handles a topic subscription or (subscription null) a queue.</summary>
    public Endpoint EndpointFor(string entityName, string? subscriptionName) =>
        Endpoints.FirstOrDefault(e =>
            string.Equals(e.EntityName, entityName, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(e.SubscriptionName, subscriptionName, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No endpoint {entityName}/{subscriptionName} in the topology.");

    /// <summary>Subscriptions (consumers) that receive a given event type when it is published.</summary>
    public IEnumerable<Endpoint> SubscribersOf(string eventType) =>
        Endpoints.Where(e => e.Kind == EntityKind.Topic && e.MessageTypes.Contains(eventType, StringComparer.Ordinal));

    /// <summary>
    /// Consistency problems between the topology and the contracts (empty when none): every type routed
    /// once, events on their producer's topic, commands on their owner's queue, every subscription able
    /// to receive targeted re-delivery.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var routed = Topics.SelectMany(t => t.EventTypes).Concat(Queues.SelectMany(q => q.CommandTypes)).ToList();
        foreach (var dup in routed.GroupBy(x => x).Where(g => g.Count() > 1))
            problems.Add($"{dup.Key} is routed more than once");
        foreach (var d in MessageCatalog.All.Where(d => !routed.Contains(d.Type)))
            problems.Add($"{d.Type} is in the contracts but in no topic or queue");
        foreach (var t in Topics)
        {
            foreach (var type in t.EventTypes)
            {
                if (!MessageCatalog.TryGet(type, out var d)) problems.Add($"topic {t.Name}: {type} has no contract");
                else if (d.Kind != MessageKind.Event || d.Owner != t.Producer)
                    problems.Add($"topic {t.Name}: {type} is not an event produced by {t.Producer}");
            }
            foreach (var s in t.Subscriptions)
            {
                foreach (var type in s.EventTypes.Where(x => !t.EventTypes.Contains(x)))
                    problems.Add($"{t.Name}/{s.Name}: filter on {type}, which topic {t.Name} does not carry");
                var target = $"{t.Name}/{s.Name}";
                if (!s.Rules.Any(r => r.CorrelationFilter?.Properties is { } p &&
                                      p.TryGetValue(MessageProperties.RedeliverTo, out var v) && v == target))
                    problems.Add($"{target}: no '{MessageProperties.RedeliverTo}' = '{target}' rule for targeted re-delivery");
            }
        }
        foreach (var q in Queues)
            foreach (var type in q.CommandTypes)
            {
                if (!MessageCatalog.TryGet(type, out var d)) problems.Add($"queue {q.Name}: {type} has no contract");
                else if (d.Kind != MessageKind.Command || d.Owner != q.Consumer)
                    problems.Add($"queue {q.Name}: {type} is not a command owned by {q.Consumer}");
            }
        return problems;
    }
}

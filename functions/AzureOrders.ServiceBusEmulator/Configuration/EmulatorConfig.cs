namespace AzureOrders.ServiceBusEmulator.Configuration;

/// <summary>
/// The namespace's entities. Built in code (the local runner derives it from infra/topology.json)
/// or loaded from the official emulator's Config.json with <see cref="OfficialConfigLoader"/>.
/// </summary>
public sealed record EmulatorConfig
{
    public IReadOnlyList<QueueDefinition> Queues { get; init; } = [];

    public IReadOnlyList<TopicDefinition> Topics { get; init; } = [];

    /// <summary>Checks names and settings the way the service would reject them at creation.</summary>
    public void Validate()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var queue in Queues)
        {
            Require(names.Add(queue.Name), $"Entity '{queue.Name}' is defined twice.");
            queue.Validate();
        }

        foreach (var topic in Topics)
        {
            Require(names.Add(topic.Name), $"Entity '{topic.Name}' is defined twice.");
            topic.Validate();
        }
    }

    internal static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    internal static void RequireName(string name, string kind) =>
        Require(!string.IsNullOrWhiteSpace(name) && !name.Contains('$') && !name.StartsWith('/'), $"Invalid {kind} name '{name}'.");
}

/// <summary>A queue and the settings of Service Bus that the emulator honours.</summary>
public sealed record QueueDefinition(string Name)
{
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary><see cref="TimeSpan.MaxValue"/> means messages never expire unless they carry their own TTL.</summary>
    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;

    public bool DeadLetteringOnMessageExpiration { get; init; }

    public bool RequiresDuplicateDetection { get; init; }

    public TimeSpan DuplicateDetectionHistoryTimeWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Sessions are not emulated; a definition asking for them is rejected so nobody relies on them silently.</summary>
    public bool RequiresSession { get; init; }

    internal void Validate()
    {
        EmulatorConfig.RequireName(Name, "queue");
        EntityRules.ValidateReceiving(Name, LockDuration, MaxDeliveryCount, DefaultMessageTimeToLive, RequiresSession);
        EntityRules.ValidateDuplicateWindow(Name, RequiresDuplicateDetection, DuplicateDetectionHistoryTimeWindow);
    }
}

/// <summary>A topic with its subscriptions.</summary>
public sealed record TopicDefinition(string Name)
{
    public IReadOnlyList<SubscriptionDefinition> Subscriptions { get; init; } = [];

    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;

    public bool RequiresDuplicateDetection { get; init; }

    public TimeSpan DuplicateDetectionHistoryTimeWindow { get; init; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        EmulatorConfig.RequireName(Name, "topic");
        EmulatorConfig.Require(DefaultMessageTimeToLive > TimeSpan.Zero, $"Topic '{Name}': DefaultMessageTimeToLive must be positive.");
        EntityRules.ValidateDuplicateWindow(Name, RequiresDuplicateDetection, DuplicateDetectionHistoryTimeWindow);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var subscription in Subscriptions)
        {
            EmulatorConfig.Require(names.Add(subscription.Name), $"Topic '{Name}': subscription '{subscription.Name}' is defined twice.");
            subscription.Validate(Name);
        }
    }
}

/// <summary>A subscription; with no rules it gets the service's default rule (<c>$Default</c>, match all).</summary>
public sealed record SubscriptionDefinition(string Name)
{
    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    public int MaxDeliveryCount { get; init; } = 10;

    public TimeSpan DefaultMessageTimeToLive { get; init; } = TimeSpan.MaxValue;

    public bool DeadLetteringOnMessageExpiration { get; init; }

    public bool DeadLetteringOnFilterEvaluationExceptions { get; init; } = true;

    public bool RequiresSession { get; init; }

    internal void Validate(string topic)
    {
        EmulatorConfig.RequireName(Name, "subscription");
        EntityRules.ValidateReceiving($"{topic}/{Name}", LockDuration, MaxDeliveryCount, DefaultMessageTimeToLive, RequiresSession);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in Rules)
        {
            EmulatorConfig.Require(names.Add(rule.Name), $"Subscription '{topic}/{Name}': rule '{rule.Name}' is defined twice.");
            rule.Compile(); // parse errors surface at start-up, as the service rejects a bad rule at creation
        }
    }
}

/// <summary>A subscription rule: a filter and an optional SQL action (<c>SET</c>/<c>REMOVE</c>).</summary>
public sealed record RuleDefinition(string Name, RuleFilter Filter)
{
    public string? SqlAction { get; init; }

    internal Filters.CompiledRule Compile() => Filters.CompiledRule.Compile(this);
}

/// <summary>Base of the rule filters Service Bus offers.</summary>
public abstract record RuleFilter;

/// <summary>Matches every message (the <c>$Default</c> rule is this filter).</summary>
public sealed record TrueRuleFilter : RuleFilter;

/// <summary>Matches no message.</summary>
public sealed record FalseRuleFilter : RuleFilter;

/// <summary>A SQL-92 subset expression over system (<c>sys.*</c>) and application properties.</summary>
public sealed record SqlRuleFilter(string Expression) : RuleFilter;

/// <summary>
/// Exact matches on system properties and application properties; every value set must match.
/// <see cref="Subject"/> is the service's <c>label</c>.
/// </summary>
public sealed record CorrelationRuleFilter : RuleFilter
{
    public string? CorrelationId { get; init; }

    public string? MessageId { get; init; }

    public string? To { get; init; }

    public string? ReplyTo { get; init; }

    public string? Subject { get; init; }

    public string? SessionId { get; init; }

    public string? ReplyToSessionId { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, object?> Properties { get; init; } = new Dictionary<string, object?>();
}

internal static class EntityRules
{
    internal static void ValidateReceiving(string name, TimeSpan lockDuration, int maxDeliveryCount, TimeSpan ttl, bool requiresSession)
    {
        EmulatorConfig.Require(lockDuration > TimeSpan.Zero && lockDuration <= TimeSpan.FromMinutes(5), $"'{name}': LockDuration must be between 0 and 5 minutes.");
        EmulatorConfig.Require(maxDeliveryCount >= 1, $"'{name}': MaxDeliveryCount must be at least 1.");
        EmulatorConfig.Require(ttl > TimeSpan.Zero, $"'{name}': DefaultMessageTimeToLive must be positive.");
        if (requiresSession)
        {
            throw new NotSupportedException($"'{name}': sessions (RequiresSession) are not supported by the embedded emulator; the project's topology does not use them.");
        }
    }

    internal static void ValidateDuplicateWindow(string name, bool enabled, TimeSpan window) =>
        EmulatorConfig.Require(!enabled || window > TimeSpan.Zero, $"'{name}': DuplicateDetectionHistoryTimeWindow must be positive.");
}

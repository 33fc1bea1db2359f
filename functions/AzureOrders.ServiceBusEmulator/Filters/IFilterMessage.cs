namespace AzureOrders.ServiceBusEmulator.Filters;

/// <summary>
/// What the filter engine sees of a message: system properties (<c>sys.*</c>) and application
/// properties. Kept as an interface so the engine is tested without the broker.
/// </summary>
public interface IFilterMessage
{
    /// <summary>A system property by its SQL name (MessageId, Label, To, ...); false when the name is unknown.</summary>
    bool TryGetSystemProperty(string name, out object? value);

    bool TryGetApplicationProperty(string name, out object? value);
}

/// <summary>A message a rule action may change.</summary>
public interface IMutableFilterMessage : IFilterMessage
{
    void SetSystemProperty(string name, object? value);

    void SetApplicationProperty(string name, object? value);

    void RemoveApplicationProperty(string name);
}

/// <summary>Raised when a filter or action cannot be evaluated for a message (type mismatch, division by zero).</summary>
public sealed class FilterEvaluationException(string message) : Exception(message);

/// <summary>Raised when a SQL filter or action does not parse.</summary>
public sealed class FilterSyntaxException(string message) : Exception(message);

/// <summary>A plain in-memory message for tests and tools.</summary>
public sealed class DictionaryFilterMessage : IMutableFilterMessage
{
    public Dictionary<string, object?> System { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, object?> Application { get; } = new(StringComparer.Ordinal);

    public bool TryGetSystemProperty(string name, out object? value) => System.TryGetValue(SystemPropertyNames.Normalize(name), out value);

    public bool TryGetApplicationProperty(string name, out object? value) => Application.TryGetValue(name, out value);

    public void SetSystemProperty(string name, object? value) => System[SystemPropertyNames.Normalize(name)] = value;

    public void SetApplicationProperty(string name, object? value) => Application[name] = value;

    public void RemoveApplicationProperty(string name) => Application.Remove(name);
}

/// <summary>Canonical names of the system properties a filter can address.</summary>
public static class SystemPropertyNames
{
    public const string MessageId = "MessageId";
    public const string CorrelationId = "CorrelationId";
    public const string To = "To";
    public const string ReplyTo = "ReplyTo";
    public const string Label = "Label";
    public const string SessionId = "SessionId";
    public const string ReplyToSessionId = "ReplyToSessionId";
    public const string ContentType = "ContentType";
    public const string DeliveryCount = "DeliveryCount";
    public const string SequenceNumber = "SequenceNumber";
    public const string EnqueuedTimeUtc = "EnqueuedTimeUtc";
    public const string ScheduledEnqueueTimeUtc = "ScheduledEnqueueTimeUtc";
    public const string TimeToLive = "TimeToLive";
    public const string ExpiresAtUtc = "ExpiresAtUtc";

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MessageId"] = MessageId,
        ["CorrelationId"] = CorrelationId,
        ["To"] = To,
        ["ReplyTo"] = ReplyTo,
        ["Label"] = Label,
        ["Subject"] = Label, // the newer SDK name for the same property
        ["SessionId"] = SessionId,
        ["ReplyToSessionId"] = ReplyToSessionId,
        ["ContentType"] = ContentType,
        ["DeliveryCount"] = DeliveryCount,
        ["SequenceNumber"] = SequenceNumber,
        ["EnqueuedTimeUtc"] = EnqueuedTimeUtc,
        ["ScheduledEnqueueTimeUtc"] = ScheduledEnqueueTimeUtc,
        ["TimeToLive"] = TimeToLive,
        ["ExpiresAtUtc"] = ExpiresAtUtc,
        // Valid on the service; the emulator has no value for them, so they read as unknown (null).
        ["Size"] = "Size",
        ["PartitionKey"] = "PartitionKey",
        ["ViaPartitionKey"] = "ViaPartitionKey",
        ["LockToken"] = "LockToken",
        ["LockedUntilUtc"] = "LockedUntilUtc",
        ["DeadLetterSource"] = "DeadLetterSource",
        ["EnqueuedSequenceNumber"] = "EnqueuedSequenceNumber",
    };

    public static string Normalize(string name) => Aliases.TryGetValue(name, out var canonical) ? canonical : name;

    public static bool IsKnown(string name) => Aliases.ContainsKey(name);
}

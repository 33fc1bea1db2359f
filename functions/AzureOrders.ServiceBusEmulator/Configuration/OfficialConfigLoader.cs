using System.Text.Json;
using System.Xml;

namespace AzureOrders.ServiceBusEmulator.Configuration;

/// <summary>
/// Reads the official Service Bus emulator's Config.json (UserConfig.Namespaces[0].Queues/Topics) into
/// <see cref="EmulatorConfig"/>, so one file can drive both emulators. Defaults follow that schema.
/// </summary>
public static class OfficialConfigLoader
{
    public static EmulatorConfig LoadFile(string path) => Parse(File.ReadAllText(path));

    public static EmulatorConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var userConfig = Get(root, "UserConfig") ?? throw new FormatException("Config.json: 'UserConfig' is missing.");
        var namespaces = Get(userConfig, "Namespaces") ?? throw new FormatException("Config.json: 'UserConfig.Namespaces' is missing.");
        if (namespaces.ValueKind != JsonValueKind.Array || namespaces.GetArrayLength() != 1)
        {
            throw new FormatException("Config.json: exactly one namespace is expected.");
        }

        var ns = namespaces[0];
        var queues = Items(ns, "Queues").Select(ReadQueue).ToList();
        var topics = Items(ns, "Topics").Select(ReadTopic).ToList();
        var config = new EmulatorConfig { Queues = queues, Topics = topics };
        config.Validate();
        return config;
    }

    static QueueDefinition ReadQueue(JsonElement element)
    {
        var props = Get(element, "Properties");
        return new QueueDefinition(Name(element))
        {
            LockDuration = Duration(props, "LockDuration") ?? TimeSpan.FromMinutes(1),
            MaxDeliveryCount = Int(props, "MaxDeliveryCount") ?? 3,
            DefaultMessageTimeToLive = Duration(props, "DefaultMessageTimeToLive") ?? TimeSpan.FromHours(1),
            DeadLetteringOnMessageExpiration = Bool(props, "DeadLetteringOnMessageExpiration") ?? false,
            RequiresDuplicateDetection = Bool(props, "RequiresDuplicateDetection") ?? false,
            DuplicateDetectionHistoryTimeWindow = Duration(props, "DuplicateDetectionHistoryTimeWindow") ?? TimeSpan.FromSeconds(20),
            RequiresSession = Bool(props, "RequiresSession") ?? false,
        };
    }

    static TopicDefinition ReadTopic(JsonElement element)
    {
        var props = Get(element, "Properties");
        return new TopicDefinition(Name(element))
        {
            DefaultMessageTimeToLive = Duration(props, "DefaultMessageTimeToLive") ?? TimeSpan.FromHours(1),
            RequiresDuplicateDetection = Bool(props, "RequiresDuplicateDetection") ?? false,
            DuplicateDetectionHistoryTimeWindow = Duration(props, "DuplicateDetectionHistoryTimeWindow") ?? TimeSpan.FromSeconds(20),
            Subscriptions = Items(element, "Subscriptions").Select(ReadSubscription).ToList(),
        };
    }

    static SubscriptionDefinition ReadSubscription(JsonElement element)
    {
        var props = Get(element, "Properties");
        return new SubscriptionDefinition(Name(element))
        {
            LockDuration = Duration(props, "LockDuration") ?? TimeSpan.FromMinutes(1),
            MaxDeliveryCount = Int(props, "MaxDeliveryCount") ?? 3,
            DefaultMessageTimeToLive = Duration(props, "DefaultMessageTimeToLive") ?? TimeSpan.FromHours(1),
            DeadLetteringOnMessageExpiration = Bool(props, "DeadLetteringOnMessageExpiration") ?? false,
            // The official schema has no such switch; the service default (true) applies.
            DeadLetteringOnFilterEvaluationExceptions = Bool(props, "DeadLetteringOnFilterEvaluationExceptions") ?? true,
            RequiresSession = Bool(props, "RequiresSession") ?? false,
            Rules = Items(element, "Rules").Select(ReadRule).ToList(),
        };
    }

    static RuleDefinition ReadRule(JsonElement element)
    {
        var name = Name(element);
        var props = Get(element, "Properties") ?? throw new FormatException($"Rule '{name}': 'Properties' is missing.");
        var filterType = String(props, "FilterType") ?? throw new FormatException($"Rule '{name}': 'FilterType' is missing.");
        RuleFilter filter = filterType.ToUpperInvariant() switch
        {
            "CORRELATION" or "CORRELATIONFILTER" => ReadCorrelation(Get(props, "CorrelationFilter") ?? throw new FormatException($"Rule '{name}': 'CorrelationFilter' is missing.")),
            "SQL" or "SQLFILTER" => new SqlRuleFilter(String(Get(props, "SqlFilter"), "SqlExpression") ?? throw new FormatException($"Rule '{name}': 'SqlFilter.SqlExpression' is missing.")),
            _ => throw new FormatException($"Rule '{name}': unknown FilterType '{filterType}'."),
        };
        return new RuleDefinition(name, filter) { SqlAction = String(Get(props, "Action"), "SqlExpression") };
    }

    static CorrelationRuleFilter ReadCorrelation(JsonElement element)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Get(element, "Properties") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var property in map.EnumerateObject())
            {
                properties[property.Name] = JsonValue(property.Value);
            }
        }

        return new CorrelationRuleFilter
        {
            ContentType = String(element, "ContentType"),
            CorrelationId = String(element, "CorrelationId"),
            Subject = String(element, "Label") ?? String(element, "Subject"),
            MessageId = String(element, "MessageId"),
            ReplyTo = String(element, "ReplyTo"),
            ReplyToSessionId = String(element, "ReplyToSessionId"),
            SessionId = String(element, "SessionId"),
            To = String(element, "To"),
            Properties = properties,
        };
    }

    /// <summary>JSON scalars as the CLR values the filter engine compares with application properties.</summary>
    public static object? JsonValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number => value.GetDouble(),
        _ => throw new FormatException($"Correlation filter property values must be scalars, got {value.ValueKind}."),
    };

    /// <summary>ISO 8601 durations such as PT1M or P14D.</summary>
    public static TimeSpan ParseDuration(string value) => XmlConvert.ToTimeSpan(value);

    internal static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        Get(parent, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    internal static string Name(JsonElement element) => String(element, "Name") ?? throw new FormatException("An entity or rule has no 'Name'.");

    // Config.json files are written by hand: match property names case-insensitively.
    internal static JsonElement? Get(JsonElement? parent, string name)
    {
        if (parent is not { ValueKind: JsonValueKind.Object } obj)
        {
            return null;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    internal static string? String(JsonElement? parent, string name) => Get(parent, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    internal static bool? Bool(JsonElement? parent, string name) => Get(parent, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    internal static int? Int(JsonElement? parent, string name) => Get(parent, name) is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : null;

    internal static TimeSpan? Duration(JsonElement? parent, string name) => String(parent, name) is { } s ? ParseDuration(s) : null;
}

using System.Text.Json;
using static AzureOrders.ServiceBusEmulator.Configuration.OfficialConfigLoader;

namespace AzureOrders.ServiceBusEmulator.Configuration;

/// <summary>
/// Reads the project's topology file (infra/topology.json: camelCase, ARM-like names such as
/// <c>filterType: "CorrelationFilter"</c> and <c>correlationFilter.label</c>) into <see cref="EmulatorConfig"/>.
/// Unknown members (descriptions, producers, event types) are ignored. Defaults are the service's.
/// </summary>
public static class TopologyLoader
{
    public static EmulatorConfig LoadFile(string path) => Parse(File.ReadAllText(path));

    public static EmulatorConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var config = new EmulatorConfig
        {
            Queues = Items(root, "queues").Select(q => new QueueDefinition(Name(q))
            {
                LockDuration = Duration(q, "lockDuration") ?? TimeSpan.FromMinutes(1),
                MaxDeliveryCount = Int(q, "maxDeliveryCount") ?? 10,
                DefaultMessageTimeToLive = Duration(q, "defaultMessageTimeToLive") ?? TimeSpan.MaxValue,
                DeadLetteringOnMessageExpiration = Bool(q, "deadLetteringOnMessageExpiration") ?? false,
                RequiresDuplicateDetection = Bool(q, "requiresDuplicateDetection") ?? false,
                DuplicateDetectionHistoryTimeWindow = Duration(q, "duplicateDetectionHistoryTimeWindow") ?? TimeSpan.FromMinutes(10),
                RequiresSession = Bool(q, "requiresSession") ?? false,
            }).ToList(),
            Topics = Items(root, "topics").Select(t => new TopicDefinition(Name(t))
            {
                DefaultMessageTimeToLive = Duration(t, "defaultMessageTimeToLive") ?? TimeSpan.MaxValue,
                RequiresDuplicateDetection = Bool(t, "requiresDuplicateDetection") ?? false,
                DuplicateDetectionHistoryTimeWindow = Duration(t, "duplicateDetectionHistoryTimeWindow") ?? TimeSpan.FromMinutes(10),
                Subscriptions = Items(t, "subscriptions").Select(s => new SubscriptionDefinition(Name(s))
                {
                    LockDuration = Duration(s, "lockDuration") ?? TimeSpan.FromMinutes(1),
                    MaxDeliveryCount = Int(s, "maxDeliveryCount") ?? 10,
                    DefaultMessageTimeToLive = Duration(s, "defaultMessageTimeToLive") ?? TimeSpan.MaxValue,
                    DeadLetteringOnMessageExpiration = Bool(s, "deadLetteringOnMessageExpiration") ?? false,
                    DeadLetteringOnFilterEvaluationExceptions = Bool(s, "deadLetteringOnFilterEvaluationExceptions") ?? true,
                    RequiresSession = Bool(s, "requiresSession") ?? false,
                    Rules = Items(s, "rules").Select(ReadRule).ToList(),
                }).ToList(),
            }).ToList(),
        };
        config.Validate();
        return config;
    }

    static RuleDefinition ReadRule(JsonElement rule)
    {
        var name = Name(rule);
        var filterType = String(rule, "filterType") ?? "CorrelationFilter";
        RuleFilter filter = filterType.ToUpperInvariant() switch
        {
            "CORRELATIONFILTER" or "CORRELATION" => ReadCorrelation(Get(rule, "correlationFilter") ?? throw new FormatException($"Rule '{name}': 'correlationFilter' is missing.")),
            "SQLFILTER" or "SQL" => new SqlRuleFilter(String(Get(rule, "sqlFilter"), "sqlExpression") ?? throw new FormatException($"Rule '{name}': 'sqlFilter.sqlExpression' is missing.")),
            _ => throw new FormatException($"Rule '{name}': unknown filterType '{filterType}'."),
        };
        return new RuleDefinition(name, filter) { SqlAction = String(Get(rule, "action"), "sqlExpression") };
    }

    static CorrelationRuleFilter ReadCorrelation(JsonElement element)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Get(element, "properties") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var property in map.EnumerateObject())
            {
                properties[property.Name] = JsonValue(property.Value);
            }
        }

        return new CorrelationRuleFilter
        {
            ContentType = String(element, "contentType"),
            CorrelationId = String(element, "correlationId"),
            Subject = String(element, "label") ?? String(element, "subject"),
            MessageId = String(element, "messageId"),
            ReplyTo = String(element, "replyTo"),
            ReplyToSessionId = String(element, "replyToSessionId"),
            SessionId = String(element, "sessionId"),
            To = String(element, "to"),
            Properties = properties,
        };
    }
}

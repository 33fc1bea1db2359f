using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace AzureOrders.Infra.Tests;

/// <summary>
/// Generates infra/local/servicebus-emulator/Config.json (Microsoft's Service Bus emulator) from
/// infra/topology.json. The emulator accepts smaller values than Azure; settings above its limits are
/// clamped here, while Azure keeps the topology's values (Bicep). The emulator's namespace is fixed.
/// </summary>
public static class ServiceBusEmulatorConfig
{
    public const string NamespaceName = "sbemulatorns";

    // Limits of the emulator's Config-schema.json.
    public static readonly TimeSpan MaxDefaultMessageTimeToLive = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinDefaultMessageTimeToLive = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxDuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinDuplicateDetectionHistoryTimeWindow = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxLockDuration = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinQueueLockDuration = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MinSubscriptionLockDuration = TimeSpan.FromMinutes(1);
    public const int MinMaxDeliveryCount = 1;
    public const int MaxMaxDeliveryCount = 10;

    public static string CommittedPath => Path.Combine(InfraPaths.Infra, "local", "servicebus-emulator", "Config.json");

    public const string RegenerateHint =
        "Regenerate it with: AZUREORDERS_UPDATE_GENERATED=1 dotnet test tests/AzureOrders.Infra.Tests --filter ServiceBusEmulatorConfigTests (then commit the file).";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Generate(JsonObject topology)
    {
        var queues = new JsonArray();
        foreach (var queue in Topology.Queues(topology))
        {
            // Every property is written (defaults from the emulator schema where the topology is silent), like Microsoft's samples.
            var properties = new JsonObject
            {
                ["DeadLetteringOnMessageExpiration"] = Bool(queue, "deadLetteringOnMessageExpiration", false),
                ["DefaultMessageTimeToLive"] = Duration(queue, "defaultMessageTimeToLive", "PT1H", MinDefaultMessageTimeToLive, MaxDefaultMessageTimeToLive),
                ["DuplicateDetectionHistoryTimeWindow"] = Duration(queue, "duplicateDetectionHistoryTimeWindow", "PT20S", MinDuplicateDetectionHistoryTimeWindow, MaxDuplicateDetectionHistoryTimeWindow),
                ["ForwardDeadLetteredMessagesTo"] = Text(queue, "forwardDeadLetteredMessagesTo"),
                ["ForwardTo"] = Text(queue, "forwardTo"),
                ["LockDuration"] = Duration(queue, "lockDuration", "PT1M", MinQueueLockDuration, MaxLockDuration),
                ["MaxDeliveryCount"] = DeliveryCount(queue),
                ["RequiresDuplicateDetection"] = Bool(queue, "requiresDuplicateDetection", false),
                ["RequiresSession"] = Bool(queue, "requiresSession", false),
            };
            queues.Add(new JsonObject { ["Name"] = Name(queue), ["Properties"] = properties });
        }

        var topics = new JsonArray();
        foreach (var topic in Topology.Topics(topology))
        {
            var properties = new JsonObject
            {
                ["DefaultMessageTimeToLive"] = Duration(topic, "defaultMessageTimeToLive", "PT1H", MinDefaultMessageTimeToLive, MaxDefaultMessageTimeToLive),
                ["DuplicateDetectionHistoryTimeWindow"] = Duration(topic, "duplicateDetectionHistoryTimeWindow", "PT20S", MinDuplicateDetectionHistoryTimeWindow, MaxDuplicateDetectionHistoryTimeWindow),
                ["RequiresDuplicateDetection"] = Bool(topic, "requiresDuplicateDetection", false),
            };

            var subscriptions = new JsonArray();
            foreach (var subscription in Topology.Subscriptions(topic))
            {
                var subscriptionProperties = new JsonObject
                {
                    ["DeadLetteringOnMessageExpiration"] = Bool(subscription, "deadLetteringOnMessageExpiration", false),
                    ["DefaultMessageTimeToLive"] = Duration(subscription, "defaultMessageTimeToLive", "PT1H", MinDefaultMessageTimeToLive, MaxDefaultMessageTimeToLive),
                    ["LockDuration"] = Duration(subscription, "lockDuration", "PT1M", MinSubscriptionLockDuration, MaxLockDuration),
                    ["MaxDeliveryCount"] = DeliveryCount(subscription),
                    ["ForwardDeadLetteredMessagesTo"] = Text(subscription, "forwardDeadLetteredMessagesTo"),
                    ["ForwardTo"] = Text(subscription, "forwardTo"),
                    ["RequiresSession"] = Bool(subscription, "requiresSession", false),
                };

                var rules = new JsonArray();
                foreach (var rule in Topology.Rules(subscription))
                {
                    rules.Add(new JsonObject { ["Name"] = Name(rule), ["Properties"] = Rule(rule) });
                }

                subscriptions.Add(new JsonObject
                {
                    ["Name"] = Name(subscription),
                    ["Properties"] = subscriptionProperties,
                    ["Rules"] = rules,
                });
            }

            topics.Add(new JsonObject { ["Name"] = Name(topic), ["Properties"] = properties, ["Subscriptions"] = subscriptions });
        }

        var config = new JsonObject
        {
            // No comment property: the emulator reads this file; infra/local/servicebus-emulator/README.md says it is generated.
            ["UserConfig"] = new JsonObject
            {
                ["Namespaces"] = new JsonArray(new JsonObject
                {
                    ["Name"] = NamespaceName,
                    ["Queues"] = queues,
                    ["Topics"] = topics,
                }),
                ["Logging"] = new JsonObject { ["Type"] = "File" },
            },
        };

        return config.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
    }

    private static string Name(JsonObject entity) =>
        (string?)entity["name"] ?? throw new InvalidOperationException($"An entity of the topology has no name: {entity.ToJsonString()}");

    private static JsonObject Rule(JsonObject rule)
    {
        var filterType = (string?)rule["filterType"];
        switch (filterType)
        {
            case "CorrelationFilter":
            {
                var source = rule["correlationFilter"]?.AsObject() ?? throw new InvalidOperationException($"Rule {Name(rule)} has no correlationFilter.");
                var filter = new JsonObject();
                foreach (var (armName, emulatorName) in CorrelationFilterNames)
                {
                    if (source[armName] is { } value)
                    {
                        filter[emulatorName] = value.DeepClone();
                    }
                }

                var unknown = source.Select(p => p.Key).Except(CorrelationFilterNames.Select(n => n.Arm)).ToList();
                if (unknown.Count > 0)
                {
                    throw new InvalidOperationException($"Rule {Name(rule)}: correlation filter properties the emulator does not know: {string.Join(", ", unknown)}.");
                }

                var result = new JsonObject { ["FilterType"] = "Correlation", ["CorrelationFilter"] = filter };
                AddAction(rule, result);
                return result;
            }

            case "SqlFilter":
            {
                var expression = (string?)rule["sqlFilter"]?["sqlExpression"] ?? throw new InvalidOperationException($"Rule {Name(rule)} has no sqlFilter.sqlExpression.");
                var result = new JsonObject { ["FilterType"] = "Sql", ["SqlFilter"] = new JsonObject { ["SqlExpression"] = expression } };
                AddAction(rule, result);
                return result;
            }

            default:
                throw new InvalidOperationException($"Rule {Name(rule)} has filterType '{filterType}'; expected CorrelationFilter or SqlFilter.");
        }
    }

    private static readonly (string Arm, string Emulator)[] CorrelationFilterNames =
    [
        ("contentType", "ContentType"),
        ("correlationId", "CorrelationId"),
        ("label", "Label"),
        ("messageId", "MessageId"),
        ("replyTo", "ReplyTo"),
        ("replyToSessionId", "ReplyToSessionId"),
        ("sessionId", "SessionId"),
        ("to", "To"),
        ("properties", "Properties"),
    ];

    private static void AddAction(JsonObject rule, JsonObject result)
    {
        if ((string?)rule["action"]?["sqlExpression"] is { Length: > 0 } action)
        {
            result["Action"] = new JsonObject { ["SqlExpression"] = action };
        }
    }

    private static bool Bool(JsonObject source, string property, bool fallback) => (bool?)source[property] ?? fallback;

    private static string Text(JsonObject source, string property) => (string?)source[property] ?? string.Empty;

    private static int DeliveryCount(JsonObject source) =>
        Math.Clamp((int?)source["maxDeliveryCount"] ?? 10, MinMaxDeliveryCount, MaxMaxDeliveryCount);

    /// <summary>Keeps the topology's text when it is within [min, max]; otherwise writes the limit.</summary>
    private static string Duration(JsonObject source, string property, string fallback, TimeSpan min, TimeSpan max)
    {
        var text = (string?)source[property] ?? fallback;
        var value = Topology.Duration(text);
        return value > max ? XmlConvert.ToString(max) : value < min ? XmlConvert.ToString(min) : text;
    }
}

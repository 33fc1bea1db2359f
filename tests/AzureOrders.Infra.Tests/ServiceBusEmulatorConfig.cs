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
            var properties = new JsonObject();
            Copy(queue, "deadLetteringOnMessageExpiration", properties, "DeadLetteringOnMessageExpiration");
            Duration(queue, "defaultMessageTimeToLive", properties, "DefaultMessageTimeToLive", MinDefaultMessageTimeToLive, MaxDefaultMessageTimeToLive);
            Duration(queue, "duplicateDetectionHistoryTimeWindow", properties, "DuplicateDetectionHistoryTimeWindow", MinDuplicateDetectionHistoryTimeWindow, MaxDuplicateDetectionHistoryTimeWindow);
            Copy(queue, "forwardDeadLetteredMessagesTo", properties, "ForwardDeadLetteredMessagesTo");
            Copy(queue, "forwardTo", properties, "ForwardTo");
            Duration(queue, "lockDuration", properties, "LockDuration", MinQueueLockDuration, MaxLockDuration);
            DeliveryCount(queue, properties);
            Copy(queue, "requiresDuplicateDetection", properties, "RequiresDuplicateDetection");
            Copy(queue, "requiresSession", properties, "RequiresSession");
            queues.Add(new JsonObject { ["Name"] = Name(queue), ["Properties"] = properties });
        }

        var topics = new JsonArray();
        foreach (var topic in Topology.Topics(topology))
        {
            var properties = new JsonObject();
            Duration(topic, "defaultMessageTimeToLive", properties, "DefaultMessageTimeToLive", MinDefaultMessageTimeToLive, MaxDefaultMessageTimeToLive);
            Duration(topic, "duplicateDetectionHistoryTimeWindow", properties, "DuplicateDetectionHistoryTimeWindow", MinDuplicateDetectionHistoryTimeWindow, MaxDuplicateDetectionHistoryTimeWindow);
            Copy(topic, "requiresDuplicateDetection", properties, "RequiresDuplicateDetection");

            var subscriptions = new JsonArray();
            foreach (var subscription in Topology.Subscriptions(topic))
            {
                var subscriptionProperties = new JsonObject();
                Copy(subscription, "deadLetteringOnMessageExpiration", subscriptionProperties, "DeadLetteringOnMessageExpiration");
                Duration(subscription, "defaultMessageTimeToLive", subscriptionProperties, "DefaultMessageTimeToLive", MinDefaultMessageTimeToLive, MaxDefaultMessageTimeToLive);
                Duration(subscription, "lockDuration", subscriptionProperties, "LockDuration", MinSubscriptionLockDuration, MaxLockDuration);
                DeliveryCount(subscription, subscriptionProperties);
                Copy(subscription, "forwardDeadLetteredMessagesTo", subscriptionProperties, "ForwardDeadLetteredMessagesTo");
                Copy(subscription, "forwardTo", subscriptionProperties, "ForwardTo");
                Copy(subscription, "requiresSession", subscriptionProperties, "RequiresSession");

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

    private static void Copy(JsonObject source, string from, JsonObject target, string to)
    {
        if (source[from] is { } value)
        {
            target[to] = value.DeepClone();
        }
    }

    private static void DeliveryCount(JsonObject source, JsonObject target)
    {
        if (source["maxDeliveryCount"] is { } value)
        {
            target["MaxDeliveryCount"] = Math.Clamp((int)value, MinMaxDeliveryCount, MaxMaxDeliveryCount);
        }
    }

    /// <summary>Keeps the topology's text when it is within [min, max]; otherwise writes the limit.</summary>
    private static void Duration(JsonObject source, string from, JsonObject target, string to, TimeSpan min, TimeSpan max)
    {
        if ((string?)source[from] is not { } text)
        {
            return;
        }

        var value = Topology.Duration(text);
        target[to] = value > max ? XmlConvert.ToString(max) : value < min ? XmlConvert.ToString(min) : text;
    }
}

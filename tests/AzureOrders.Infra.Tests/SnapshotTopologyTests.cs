using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

/// <summary>Every Service Bus entity of infra/topology.json is in the snapshot with its settings, and nothing else is.</summary>
public sealed partial class SnapshotPolicyTests
{
    private const string Topics = "Microsoft.ServiceBus/namespaces/topics";
    private const string Subscriptions = "Microsoft.ServiceBus/namespaces/topics/subscriptions";
    private const string Rules = "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules";
    private const string Queues = "Microsoft.ServiceBus/namespaces/queues";

    [BicepFact]
    public void Every_topology_topic_is_deployed_with_its_settings()
    {
        var topology = Topology.Load();
        var deployed = snapshot.OfType(Topics).ToDictionary(t => string.Join('/', SnapshotFixture.NameSegments(t)[1..]));

        Assert.Equal(Topology.Topics(topology).Select(t => (string)t["name"]!).Order(), deployed.Keys.Order());
        foreach (var topic in Topology.Topics(topology))
        {
            var properties = deployed[(string)topic["name"]!]["properties"]!.AsObject();
            AssertSettings(topic, properties, "requiresDuplicateDetection", "duplicateDetectionHistoryTimeWindow", "defaultMessageTimeToLive", "maxSizeInMegabytes");
        }
    }

    [BicepFact]
    public void Every_topology_subscription_is_deployed_with_its_settings()
    {
        var topology = Topology.Load();
        var deployed = snapshot.OfType(Subscriptions).ToDictionary(s => string.Join('/', SnapshotFixture.NameSegments(s)[1..]));
        var expected = Topology.Topics(topology).SelectMany(t => Topology.Subscriptions(t).Select(s => (Key: $"{t["name"]}/{s["name"]}", Subscription: s))).ToList();

        Assert.Equal(expected.Select(e => e.Key).Order(), deployed.Keys.Order());
        foreach (var (key, subscription) in expected)
        {
            var properties = deployed[key]["properties"]!.AsObject();
            AssertSettings(subscription, properties, "maxDeliveryCount", "lockDuration", "deadLetteringOnMessageExpiration", "deadLetteringOnFilterEvaluationExceptions", "defaultMessageTimeToLive");
        }
    }

    [BicepFact]
    public void Every_topology_rule_is_deployed_with_its_filter_and_the_default_rule_matches_nothing()
    {
        var topology = Topology.Load();
        var deployed = snapshot.OfType(Rules).ToDictionary(r => string.Join('/', SnapshotFixture.NameSegments(r)[1..]));
        var expected = Topology.Topics(topology)
            .SelectMany(t => Topology.Subscriptions(t).SelectMany(s => Topology.Rules(s).Select(r => (Key: $"{t["name"]}/{s["name"]}/{r["name"]}", Rule: r))))
            .ToList();
        var defaults = Topology.Topics(topology).SelectMany(t => Topology.Subscriptions(t).Select(s => $"{t["name"]}/{s["name"]}/$Default")).ToList();

        Assert.Equal(expected.Select(e => e.Key).Concat(defaults).Order(), deployed.Keys.Order());
        foreach (var (key, rule) in expected)
        {
            var properties = deployed[key]["properties"]!;
            Assert.Equal((string?)rule["filterType"], (string?)properties["filterType"]);
            Assert.True(JsonNode.DeepEquals(rule["correlationFilter"], properties["correlationFilter"]), $"Rule {key}: correlation filter differs: {properties.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(rule["sqlFilter"], properties["sqlFilter"]), $"Rule {key}: SQL filter differs: {properties.ToJsonString()}");
        }

        // Azure gives every new subscription a $Default rule that lets every message through; it is overridden
        // with a filter that never matches, so only the topology's rules decide what a subscription receives.
        foreach (var key in defaults)
        {
            var properties = deployed[key]["properties"]!;
            Assert.Equal("SqlFilter", (string?)properties["filterType"]);
            Assert.Equal("1=0", (string?)properties["sqlFilter"]!["sqlExpression"]);
        }
    }

    [BicepFact]
    public void Every_topology_queue_is_deployed_with_its_settings()
    {
        var topology = Topology.Load();
        var deployed = snapshot.OfType(Queues).ToDictionary(q => string.Join('/', SnapshotFixture.NameSegments(q)[1..]));

        Assert.Equal(Topology.Queues(topology).Select(q => (string)q["name"]!).Order(), deployed.Keys.Order());
        foreach (var queue in Topology.Queues(topology))
        {
            var properties = deployed[(string)queue["name"]!]["properties"]!.AsObject();
            AssertSettings(queue, properties, "maxDeliveryCount", "lockDuration", "requiresDuplicateDetection", "duplicateDetectionHistoryTimeWindow", "deadLetteringOnMessageExpiration", "defaultMessageTimeToLive", "maxSizeInMegabytes");
        }
    }

    private static void AssertSettings(JsonObject expected, JsonObject deployed, params string[] settings)
    {
        foreach (var setting in settings)
        {
            Assert.True(expected.ContainsKey(setting), $"{expected["name"]}: the topology has no '{setting}' (every entity states it explicitly).");
            Assert.True(JsonNode.DeepEquals(expected[setting], deployed[setting]),
                $"{expected["name"]}.{setting}: topology {expected[setting]?.ToJsonString()}, Bicep {deployed[setting]?.ToJsonString() ?? "missing"}.");
        }
    }
}

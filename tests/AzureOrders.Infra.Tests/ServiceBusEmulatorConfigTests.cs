using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AzureOrders.Infra.Tests;

/// <summary>The official Service Bus emulator's Config.json is generated from the topology, committed, fresh and schema-valid.</summary>
public sealed class ServiceBusEmulatorConfigTests
{
    private const string SchemaFile = ReferenceSchemas.ServiceBusEmulator;

    [Fact]
    public void The_committed_emulator_config_is_generated_from_the_current_topology()
    {
        var expected = ServiceBusEmulatorConfig.Generate(Topology.Load());
        var path = ServiceBusEmulatorConfig.CommittedPath;

        if (Environment.GetEnvironmentVariable("AZUREORDERS_UPDATE_GENERATED") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing. {ServiceBusEmulatorConfig.RegenerateHint}");
        var committed = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(committed == expected, $"{path} differs from what infra/topology.json generates (stale or edited by hand). {ServiceBusEmulatorConfig.RegenerateHint}");
    }

    [SharedSchemaFact(SchemaFile)]
    public void The_committed_emulator_config_is_valid_against_the_emulator_schema()
    {
        var schema = ReferenceSchemas.ServiceBusEmulatorConfig;
        using var config = JsonDocument.Parse(File.ReadAllText(ServiceBusEmulatorConfig.CommittedPath));

        var result = schema.Evaluate(config.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, "Config.json does not satisfy the emulator schema:\n" + SchemaErrors.Describe(result));
    }

    [SharedSchemaFact(SchemaFile)]
    public void The_emulator_schema_rejects_a_config_with_azure_values_so_the_clamping_matters()
    {
        // Guards the validity test above: the schema really checks the limits the generator clamps.
        var schema = ReferenceSchemas.ServiceBusEmulatorConfig;
        var config = JsonNode.Parse(File.ReadAllText(ServiceBusEmulatorConfig.CommittedPath))!;
        var topic = config["UserConfig"]!["Namespaces"]![0]!["Topics"]![0]!;
        topic["Properties"]!["DefaultMessageTimeToLive"] = "P14D";
        topic["Subscriptions"]![0]!["Properties"]!["MaxDeliveryCount"] = 11;
        using var document = JsonDocument.Parse(config.ToJsonString());

        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.False(result.IsValid);
    }

    [Fact]
    public void The_generated_config_has_every_topology_entity_and_clamps_values_to_the_emulator_limits()
    {
        var topology = Topology.Load();
        var config = JsonNode.Parse(ServiceBusEmulatorConfig.Generate(topology))!;
        var ns = config["UserConfig"]!["Namespaces"]!.AsArray().Single()!;
        Assert.Equal(ServiceBusEmulatorConfig.NamespaceName, (string?)ns["Name"]);

        var queues = ns["Queues"]!.AsArray().ToDictionary(q => (string)q!["Name"]!, q => q!);
        Assert.Equal(Topology.Queues(topology).Select(q => (string)q["name"]!).Order(), queues.Keys.Order());
        foreach (var queue in Topology.Queues(topology))
        {
            var properties = queues[(string)queue["name"]!]["Properties"]!;
            AssertClamped(queue, "defaultMessageTimeToLive", properties["DefaultMessageTimeToLive"], ServiceBusEmulatorConfig.MaxDefaultMessageTimeToLive);
            AssertClamped(queue, "duplicateDetectionHistoryTimeWindow", properties["DuplicateDetectionHistoryTimeWindow"], ServiceBusEmulatorConfig.MaxDuplicateDetectionHistoryTimeWindow);
            AssertClamped(queue, "lockDuration", properties["LockDuration"], ServiceBusEmulatorConfig.MaxLockDuration);
            Assert.Equal(Math.Min((int)queue["maxDeliveryCount"]!, 10), (int)properties["MaxDeliveryCount"]!);
            Assert.Equal((bool?)queue["requiresDuplicateDetection"], (bool?)properties["RequiresDuplicateDetection"]);
        }

        var topics = ns["Topics"]!.AsArray().ToDictionary(t => (string)t!["Name"]!, t => t!);
        Assert.Equal(Topology.Topics(topology).Select(t => (string)t["name"]!).Order(), topics.Keys.Order());
        foreach (var topic in Topology.Topics(topology))
        {
            var generated = topics[(string)topic["name"]!];
            AssertClamped(topic, "defaultMessageTimeToLive", generated["Properties"]!["DefaultMessageTimeToLive"], ServiceBusEmulatorConfig.MaxDefaultMessageTimeToLive);
            var subscriptions = generated["Subscriptions"]!.AsArray().ToDictionary(s => (string)s!["Name"]!, s => s!);
            Assert.Equal(Topology.Subscriptions(topic).Select(s => (string)s["name"]!).Order(), subscriptions.Keys.Order());
            foreach (var subscription in Topology.Subscriptions(topic))
            {
                var sub = subscriptions[(string)subscription["name"]!];
                AssertClamped(subscription, "lockDuration", sub["Properties"]!["LockDuration"], ServiceBusEmulatorConfig.MaxLockDuration);
                var rules = sub["Rules"]!.AsArray().ToDictionary(r => (string)r!["Name"]!, r => r!);
                Assert.Equal(Topology.Rules(subscription).Select(r => (string)r["name"]!).Order(), rules.Keys.Order());
                foreach (var rule in Topology.Rules(subscription))
                {
                    var filter = rules[(string)rule["name"]!]["Properties"]!;
                    Assert.Equal("Correlation", (string?)filter["FilterType"]);
                    Assert.Equal((string?)rule["correlationFilter"]!["label"], (string?)filter["CorrelationFilter"]!["Label"]);
                    Assert.True(JsonNode.DeepEquals(rule["correlationFilter"]!["properties"], filter["CorrelationFilter"]!["Properties"]),
                        $"Rule {rule["name"]}: application-property filter differs.");
                }
            }
        }
    }

    private static void AssertClamped(JsonObject source, string property, JsonNode? generated, TimeSpan max)
    {
        var azure = Topology.Duration((string)source[property]!);
        Assert.NotNull(generated);
        var emulator = Topology.Duration((string)generated!);
        Assert.Equal(azure > max ? max : azure, emulator);
    }
}

using System.Reflection;
using System.Text.Json.Nodes;
using AzureOrders.Messaging;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// The topology is the single source of truth: every subscription and command queue has exactly one
/// Service Bus trigger in the built functions.metadata, with manual settlement, and nothing else listens.
/// </summary>
public sealed class FunctionAppMetadataTests
{
    private static readonly JsonArray Functions = ReadMetadata();

    [Fact]
    public void Every_topology_endpoint_has_exactly_one_service_bus_trigger_and_no_trigger_is_extra()
    {
        var triggers = ServiceBusTriggers().Select(t => Key((string?)t["topicName"] ?? (string?)t["queueName"], (string?)t["subscriptionName"])).ToList();
        var endpoints = Topology.Default.Endpoints.Select(e => Key(e.EntityName, e.SubscriptionName)).ToList();

        Assert.Empty(triggers.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(endpoints.Order(), triggers.Order());
    }

    [Fact]
    public void Every_service_bus_trigger_uses_the_ServiceBus_connection_and_settles_explicitly()
    {
        foreach (var trigger in ServiceBusTriggers())
        {
            var name = (string?)trigger["topicName"] ?? (string?)trigger["queueName"];
            Assert.True("ServiceBus" == (string?)trigger["connection"], $"{name}: connection must be 'ServiceBus'");
            Assert.True(false == (bool?)trigger["autoCompleteMessages"], $"{name}: autoCompleteMessages must be false");
            Assert.True("One" == (string?)trigger["cardinality"], $"{name}: one message per invocation");
        }
    }

    [Fact]
    public void The_orders_api_and_the_outbox_relay_are_declared()
    {
        var http = Functions.Select(f => f!["bindings"]!.AsArray().FirstOrDefault(b => (string?)b!["type"] == "httpTrigger"))
            .OfType<JsonNode>().ToDictionary(b => (string)b["route"]!, b => (string?)b["authLevel"]);
        Assert.Equal("Function", http["orders"]);
        Assert.Equal("Function", http["orders/{orderId}"]);
        Assert.Equal("Anonymous", http["health"]);

        var relay = Functions.Single(f => (string?)f!["name"] == "OutboxRelay")!;
        Assert.Contains(relay["bindings"]!.AsArray(), b => (string?)b!["type"] == "timerTrigger");
    }

    private static IEnumerable<JsonNode> ServiceBusTriggers() =>
        Functions.SelectMany(f => f!["bindings"]!.AsArray()).OfType<JsonNode>().Where(b => (string?)b["type"] == "serviceBusTrigger");

    private static string Key(string? entity, string? subscription) =>
        subscription is null ? entity!.ToLowerInvariant() : $"{entity}/{subscription}".ToLowerInvariant();

    private static JsonArray ReadMetadata()
    {
        var output = typeof(FunctionAppMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionAppOutput").Value!;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "functions.metadata")))!.AsArray();
    }
}

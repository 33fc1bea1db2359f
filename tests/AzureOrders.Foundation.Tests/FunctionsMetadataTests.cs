using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AzureOrders.Foundation.Tests;

/// <summary>
/// functions.metadata is what the Functions host reads to create triggers. These tests read the built file,
/// so a binding that the worker SDK silently drops (for instance through a broken extension stand-in) fails here.
/// </summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public void The_function_app_output_holds_functions_metadata_with_the_health_endpoint()
    {
        var functions = ReadMetadata("FunctionAppOutput");

        var health = functions.Single(f => (string?)f!["name"] == "Health")!;
        var trigger = health["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "httpTrigger")!;
        Assert.Equal("health", (string?)trigger["route"]);
        Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => (string?)m));
    }

    [Fact]
    public void The_function_app_output_holds_host_json_from_the_repository_root()
    {
        var output = OutputDirectory("FunctionAppOutput");
        var copied = File.ReadAllText(Path.Combine(output, "host.json"));
        var root = File.ReadAllText(Path.Combine(RepoRoot(), "host.json"));
        Assert.Equal(root, copied);
        Assert.Equal("2.0", (string?)JsonNode.Parse(copied)!["version"]);
    }

    [Fact]
    public void A_service_bus_topic_trigger_keeps_topic_subscription_connection_and_manual_settlement()
    {
        var functions = ReadMetadata("ProbeAppOutput");

        var probe = functions.Single(f => (string?)f!["name"] == "ProbeConsumer")!;
        var trigger = probe["bindings"]!.AsArray().Single(b => (string?)b!["type"] == "serviceBusTrigger")!;
        Assert.Equal("In", (string?)trigger["direction"]);
        Assert.Equal("orders", (string?)trigger["topicName"]);
        Assert.Equal("probe", (string?)trigger["subscriptionName"]);
        Assert.Equal("ServiceBus", (string?)trigger["connection"]);
        Assert.False((bool?)trigger["autoCompleteMessages"] ?? true, "autoCompleteMessages must be false");
        Assert.Equal("One", (string?)trigger["cardinality"]);
    }

    private static JsonArray ReadMetadata(string outputKey)
    {
        var path = Path.Combine(OutputDirectory(outputKey), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the project was not built or the worker SDK wrote no metadata.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray();
    }

    private static string OutputDirectory(string key) =>
        typeof(FunctionsMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string RepoRoot() => Path.GetFullPath(Path.Combine(OutputDirectory("FunctionAppOutput"), "../../../../../"));
}

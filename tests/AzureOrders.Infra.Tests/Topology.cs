using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

/// <summary>infra/topology.json, the single source of truth of the Service Bus entities.</summary>
internal static class Topology
{
    public static string Path => System.IO.Path.Combine(InfraPaths.Infra, "topology.json");

    public static JsonObject Load() => JsonNode.Parse(File.ReadAllText(Path))!.AsObject();

    public static IEnumerable<JsonObject> Topics(JsonObject topology) =>
        (topology["topics"]?.AsArray() ?? []).Select(t => t!.AsObject());

    public static IEnumerable<JsonObject> Queues(JsonObject topology) =>
        (topology["queues"]?.AsArray() ?? []).Select(q => q!.AsObject());

    public static IEnumerable<JsonObject> Subscriptions(JsonObject topic) =>
        (topic["subscriptions"]?.AsArray() ?? []).Select(s => s!.AsObject());

    public static IEnumerable<JsonObject> Rules(JsonObject subscription) =>
        (subscription["rules"]?.AsArray() ?? []).Select(r => r!.AsObject());

    /// <summary>ISO 8601 duration (P14D, PT10M) as a TimeSpan.</summary>
    public static TimeSpan Duration(string iso8601) => System.Xml.XmlConvert.ToTimeSpan(iso8601);
}

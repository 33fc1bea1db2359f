using System.Text;
using System.Text.Json;
using AzureOrders.Contracts;

namespace AzureOrders.Messaging;

/// <summary>
/// Generates docs/events.md from the contracts (catalog + schemas) and the topology, so the document cannot
/// drift: a test compares it with the committed file (set AZUREORDERS_UPDATE_EVENT_CATALOG=1 to rewrite it).
/// </summary>
public static class EventCatalogDocument
{
    public static string Generate(Topology topology)
    {
        var md = new StringBuilder();
        md.AppendLine("# Event catalog");
        md.AppendLine();
        md.AppendLine("<!-- Generated from functions/AzureOrders.Core/Contracts (records, JSON Schemas) and infra/topology.json.");
        md.AppendLine("     Do not edit by hand: run `AZUREORDERS_UPDATE_EVENT_CATALOG=1 dotnet test tests/AzureOrders.Core.Tests --filter EventCatalog`. -->");
        md.AppendLine();
        md.AppendLine("Every message is a JSON envelope (`eventId`, `eventType`, `timestamp`, `correlationId`, `causationId`, `source`, `payload`)");
        md.AppendLine("sent with MessageId = eventId, Subject = eventType, CorrelationId = correlationId, ContentType `application/json` and");
        md.AppendLine("application properties `eventType`, `source`, `causationId`, `traceparent`. Payload schemas live in");
        md.AppendLine("`functions/AzureOrders.Core/Contracts/Schemas/<type>.schema.json`; producers and consumers both validate against them.");
        md.AppendLine("Extra payload fields are tolerated (tolerant reader); breaking changes get a new version in the type name.");
        md.AppendLine();
        md.AppendLine("| Type | Kind | Owner | Sent to | Received by |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var d in MessageCatalog.All)
        {
            var route = topology.RouteFor(d.Type);
            md.AppendLine($"| [`{d.Type}`](#{Anchor(d.Type)}) | {d.Kind.ToString().ToLowerInvariant()} | {d.Owner} | {Entity(route)} | {Receivers(topology, d, route)} |");
        }
        md.AppendLine();

        foreach (var d in MessageCatalog.All)
        {
            var route = topology.RouteFor(d.Type);
            md.AppendLine($"## {d.Type}");
            md.AppendLine();
            md.AppendLine(d.Description);
            md.AppendLine();
            md.AppendLine($"- Kind: {d.Kind.ToString().ToLowerInvariant()}; owner: {d.Owner}; record: `{d.ClrType.FullName}`");
            md.AppendLine($"- Sent to: {Entity(route)}; received by: {Receivers(topology, d, route)}");
            md.AppendLine($"- Schema: `Contracts/Schemas/{d.SchemaName}`");
            md.AppendLine();
            md.AppendLine("| Field | Type | Required | Constraints |");
            md.AppendLine("|---|---|---|---|");
            using var schema = JsonDocument.Parse(SchemaValidator.ReadSchemaText(d.SchemaName));
            Fields(schema.RootElement, "", md);
            md.AppendLine();
        }
        return md.ToString().Replace("\r\n", "\n");
    }

    private static void Fields(JsonElement schema, string prefix, StringBuilder md)
    {
        if (!schema.TryGetProperty("properties", out var properties)) return;
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
        foreach (var p in properties.EnumerateObject())
        {
            var name = prefix + p.Name;
            md.AppendLine($"| `{name}` | {TypeOf(p.Value)} | {(required.Contains(p.Name) ? "yes" : "no")} | {Constraints(p.Value)} |");
            if (p.Value.TryGetProperty("items", out var items)) Fields(items, name + "[].", md);
            else Fields(p.Value, name + ".", md);
        }
    }

    private static string TypeOf(JsonElement s) => s.TryGetProperty("type", out var t)
        ? t.ValueKind == JsonValueKind.Array ? string.Join(" \\| ", t.EnumerateArray().Select(x => x.GetString())) : t.GetString()!
        : "any";

    private static string Constraints(JsonElement s)
    {
        var parts = new List<string>();
        foreach (var key in new[] { "format", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems" })
            if (s.TryGetProperty(key, out var v)) parts.Add($"{key} `{v.ToString().Replace("|", "\\|")}`");
        if (s.TryGetProperty("enum", out var e)) parts.Add($"one of {string.Join(", ", e.EnumerateArray().Select(x => $"`{x}`"))}");
        return parts.Count == 0 ? "" : string.Join("; ", parts);
    }

    private static string Entity(Route route) => route.Kind == EntityKind.Topic ? $"topic `{route.EntityName}`" : $"queue `{route.EntityName}`";

    private static string Receivers(Topology topology, MessageDescriptor d, Route route) => route.Kind == EntityKind.Queue
        ? topology.EndpointFor(route.EntityName, null).Consumer
        : string.Join(", ", topology.SubscribersOf(d.Type).Select(e => $"{e.Consumer} (`{e.SubscriptionName}`)")) is { Length: > 0 } s ? s : "(no subscriber)";

    private static string Anchor(string type) => type.Replace(".", "", StringComparison.Ordinal);
}

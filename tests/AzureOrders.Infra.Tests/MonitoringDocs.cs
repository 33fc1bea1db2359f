using System.Text;
using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

/// <summary>
/// The generated part of docs/observability.md's "Azure monitoring" section: the alert rules the snapshot deploys
/// and every query file of infra/monitoring/queries/ verbatim, so the docs cannot drift from what Bicep deploys.
/// </summary>
internal static class MonitoringDocs
{
    public const string Begin = "<!-- BEGIN GENERATED: azure-monitoring (tests/AzureOrders.Infra.Tests MonitoringDocs; do not edit by hand) -->";
    public const string End = "<!-- END GENERATED: azure-monitoring -->";

    public static string DocPath => Path.Combine(InfraPaths.RepoRoot, "docs", "observability.md");

    public static string QueriesDirectory => Path.Combine(InfraPaths.Infra, "monitoring", "queries");

    public const string RegenerateHint =
        "Regenerate it with: AZUREORDERS_UPDATE_GENERATED=1 dotnet test tests/AzureOrders.Infra.Tests --filter MonitoringTests (then commit docs/observability.md).";

    public static IReadOnlyList<string> QueryFiles() =>
        Directory.GetFiles(QueriesDirectory, "*.kql").Order(StringComparer.Ordinal).ToList();

    public static string Generate(SnapshotFixture snapshot)
    {
        var text = new StringBuilder();
        text.Append("#### Alert rules\n\n");
        text.Append("| Rule | Signal | Fires when | Severity |\n| --- | --- | --- | --- |\n");
        foreach (var alert in snapshot.OfType("Microsoft.Insights/metricAlerts").OrderBy(SnapshotFixture.ShortName, StringComparer.Ordinal))
        {
            var p = alert["properties"]!;
            var criterion = p["criteria"]!["allOf"]![0]!;
            var entity = string.Join(", ", criterion["dimensions"]![0]!["values"]!.AsArray().Select(v => (string)v!));
            text.Append($"| `{SnapshotFixture.ShortName(alert)}` | Service Bus metric `{criterion["metricName"]}` of `{entity}` | " +
                        $"{criterion["timeAggregation"]} {Operator((string)criterion["operator"]!)} {criterion["threshold"]} over {Duration((string)p["windowSize"]!)} | {p["severity"]} |\n");
        }

        foreach (var alert in snapshot.OfType("Microsoft.Insights/scheduledQueryRules").OrderBy(SnapshotFixture.ShortName, StringComparer.Ordinal))
        {
            var p = alert["properties"]!;
            var criterion = p["criteria"]!["allOf"]![0]!;
            var scope = ((string)p["scopes"]![0]!).Contains("/components/", StringComparison.OrdinalIgnoreCase) ? "Application Insights" : "Log Analytics";
            var file = QueryFileOf((string)criterion["query"]!);
            text.Append($"| `{SnapshotFixture.ShortName(alert)}` | {scope} query `{file}` | " +
                        $"sum of `{criterion["metricMeasureColumn"]}` {Operator((string)criterion["operator"]!)} {criterion["threshold"]} over {Duration((string)p["windowSize"]!)} | {p["severity"]} |\n");
        }

        // The token in the name depends on the subscription: the docs name the pattern.
        var group = SnapshotFixture.ShortName(snapshot.Single("Microsoft.Insights/actionGroups")).Split('-')[0];
        text.Append($"\nEvery rule notifies the action group `{group}-<token>` (e-mail: the `alertEmail` parameter).\n\n");

        text.Append("#### Queries (`infra/monitoring/queries/`)\n\n");
        text.Append("The workbook and the log alerts load these files (`loadTextContent`); they are reproduced here verbatim.\n");
        foreach (var file in QueryFiles())
        {
            text.Append($"\n`{Path.GetFileName(file)}`\n\n```kusto\n{File.ReadAllText(file).ReplaceLineEndings("\n").TrimEnd('\n')}\n```\n");
        }

        return text.ToString();
    }

    /// <summary>The committed section between the markers, or null when the markers are missing.</summary>
    public static string? Committed(string doc)
    {
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        return begin < 0 || end < begin ? null : doc[(begin + Begin.Length)..end].Trim('\n') + "\n";
    }

    public static string Replace(string doc, string section)
    {
        var begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        return doc[..(begin + Begin.Length)] + "\n" + section.TrimEnd('\n') + "\n" + doc[end..];
    }

    public static string QueryFileOf(string query)
    {
        var match = QueryFiles().SingleOrDefault(f => File.ReadAllText(f) == query);
        return match is null ? throw new InvalidOperationException($"No file in {QueriesDirectory} holds the query: {query}") : Path.GetFileName(match);
    }

    private static string Operator(string op) => op switch
    {
        "GreaterThan" => ">",
        "GreaterThanOrEqual" => ">=",
        "LessThan" => "<",
        _ => op,
    };

    private static string Duration(string iso) => Topology.Duration(iso).TotalMinutes + " min";

    public static JsonObject Workbook(SnapshotFixture snapshot) =>
        JsonNode.Parse((string)snapshot.Single("Microsoft.Insights/workbooks")["properties"]!["serializedData"]!)!.AsObject();
}

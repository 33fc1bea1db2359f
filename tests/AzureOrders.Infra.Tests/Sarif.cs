using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

public sealed record Diagnostic(string RuleId, string Level, string Message, string Location)
{
    public override string ToString() => $"{Location}: {Level} {RuleId}: {Message}";
}

/// <summary>Reads the diagnostics of a bicep SARIF log (`--diagnostics-format sarif`).</summary>
internal static class Sarif
{
    public static IReadOnlyList<Diagnostic> Parse(string sarif)
    {
        var trimmed = sarif.Trim();
        if (trimmed.Length == 0)
        {
            throw new InvalidOperationException("bicep wrote no SARIF log.");
        }

        var log = JsonNode.Parse(trimmed)!;
        return (log["runs"]?.AsArray() ?? [])
            .SelectMany(run => run!["results"]?.AsArray() ?? [])
            .Select(result =>
            {
                var location = result!["locations"]?[0]?["physicalLocation"];
                var where = location is null
                    ? "?"
                    : $"{location["artifactLocation"]?["uri"]}({location["region"]?["startLine"]},{location["region"]?["charOffset"]})";
                return new Diagnostic(
                    (string?)result["ruleId"] ?? "?",
                    // SARIF omits the level when it is the default, "warning".
                    (string?)result["level"] ?? "warning",
                    (string?)result["message"]?["text"] ?? "?",
                    where);
            })
            .ToList();
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzureOrders.Infra.Tests;

/// <summary>
/// azd passes main.bicep only what main.parameters.json maps: a parameter missing there cannot be set with
/// `azd env set` and is silently left at its default. Every parameter is mapped to one environment variable, and
/// docs/infrastructure.md documents each variable.
/// </summary>
public sealed partial class ParametersMappingTests(BicepBuildFixture fixture) : IClassFixture<BicepBuildFixture>
{
    private static JsonObject Mapped() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPaths.Infra, "main.parameters.json")))!["parameters"]!.AsObject();

    [BicepFact]
    public void Every_parameter_of_main_bicep_is_mapped_to_one_azd_environment_variable()
    {
        var template = JsonNode.Parse(fixture.Build!.StdOut)!["parameters"]!.AsObject();
        var mapped = Mapped();

        var unmapped = template.Select(p => p.Key).Where(name => !mapped.ContainsKey(name)).ToList();
        Assert.True(unmapped.Count == 0, "Parameters of main.bicep that `azd env set` cannot reach (add them to main.parameters.json): " + string.Join(", ", unmapped));

        var variables = new List<string>();
        foreach (var (name, value) in mapped)
        {
            var match = Reference().Match((string?)value!["value"] ?? string.Empty);
            Assert.True(match.Success, $"{name} is not mapped to exactly one ${{AZURE_...}} variable: {value!.ToJsonString()}");
            variables.Add(match.Groups["variable"].Value);

            // An inline default (${X=default}) must not contradict the Bicep default: one default, in the Bicep.
            if (match.Groups["default"].Success && template[name]!["defaultValue"] is { } bicepDefault)
            {
                Assert.Equal(bicepDefault.ToString(), match.Groups["default"].Value);
            }
        }

        Assert.Equal(variables.Count, variables.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_mapped_environment_variable_is_documented_with_its_parameter_in_the_infrastructure_docs()
    {
        var doc = File.ReadAllText(Path.Combine(InfraPaths.RepoRoot, "docs", "infrastructure.md"));
        foreach (var (name, value) in Mapped())
        {
            var variable = Reference().Match((string)value!["value"]!).Groups["variable"].Value;
            // One row of the parameters table: | `name` | `VARIABLE` | ...
            Assert.True(Regex.IsMatch(doc, $@"(?m)^\|\s*`{Regex.Escape(name)}`\s*\|\s*`{Regex.Escape(variable)}`\s*\|"),
                $"docs/infrastructure.md has no parameters-table row for {name} ({variable}).");
        }
    }

    [GeneratedRegex(@"^\$\{(?<variable>AZURE_[A-Z0-9_]+)(=(?<default>[^}]*))?\}$")]
    private static partial Regex Reference();
}

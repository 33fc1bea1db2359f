using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

/// <summary>Runs `bicep build` and `bicep lint` of infra/main.bicep once for the class.</summary>
public sealed class BicepBuildFixture : IAsyncLifetime
{
    public ProcessResult? Build { get; private set; }

    public ProcessResult? Lint { get; private set; }

    public async Task InitializeAsync()
    {
        if (InfraPaths.BicepUnavailableReason is not null)
        {
            return;
        }

        // build writes the template to stdout and the SARIF log to stderr; lint writes SARIF to stdout.
        var build = Bicep.RunAsync(["build", "main.bicep", "--stdout", "--diagnostics-format", "sarif"]);
        var lint = Bicep.RunAsync(["lint", "main.bicep", "--diagnostics-format", "sarif"]);
        Build = await build;
        Lint = await lint;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// BCP type errors are warnings with exit code 0, so the SARIF is read: any diagnostic at all fails,
/// whether a compiler warning or a linter rule (bicepconfig.json raises the rules to errors).
/// </summary>
public sealed class BicepBuildTests(BicepBuildFixture fixture) : IClassFixture<BicepBuildFixture>
{
    [BicepFact]
    public void Main_bicep_builds_with_zero_diagnostics()
    {
        var build = fixture.Build!;
        var diagnostics = Sarif.Parse(build.StdErr);

        Assert.True(diagnostics.Count == 0, "bicep build reported:\n" + string.Join('\n', diagnostics));
        Assert.Equal(0, build.ExitCode);
        var template = JsonNode.Parse(build.StdOut)!;
        Assert.Equal("https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", (string?)template["$schema"]);
    }

    [BicepFact]
    public void Main_bicep_and_its_modules_lint_with_zero_diagnostics()
    {
        var lint = fixture.Lint!;
        var diagnostics = Sarif.Parse(lint.StdOut);

        Assert.True(diagnostics.Count == 0, "bicep lint reported:\n" + string.Join('\n', diagnostics));
        Assert.Equal(0, lint.ExitCode);
    }

    [BicepFact]
    public async Task A_bcp_type_warning_is_caught_by_reading_the_sarif_although_bicep_exits_with_zero()
    {
        // Guards the two tests above: a type mistake (BCP036/BCP037) in a resource is a warning with exit code 0.
        var directory = Directory.CreateTempSubdirectory("azureorders-bicep-");
        try
        {
            File.Copy(Path.Combine(InfraPaths.Infra, "bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "broken.bicep"), """
                param location string = resourceGroup().location
                resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
                  name: 'sb-broken'
                  location: location
                  sku: { name: 'Standard' }
                  properties: { disableLocalAuth: 'yes', notAProperty: true }
                }
                """);

            var result = await Bicep.RunAsync(["build", "broken.bicep", "--stdout", "--diagnostics-format", "sarif"], directory.FullName);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains(Sarif.Parse(result.StdErr), d => d.RuleId.StartsWith("BCP", StringComparison.Ordinal) && d.Level == "warning");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [BicepFact]
    public void Subscription_rules_deploy_one_at_a_time_because_concurrent_rule_operations_on_a_topic_conflict()
    {
        var template = JsonNode.Parse(fixture.Build!.StdOut)!;
        var loops = Descendants(template).OfType<JsonObject>()
            .Where(r => r["type"] is JsonValue type && type.TryGetValue<string>(out var name) && name.EndsWith("/subscriptions/rules", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.NotEmpty(loops);
        foreach (var loop in loops)
        {
            var copy = loop["copy"];
            Assert.True(copy is not null, $"Rules are expected in loops: {loop.ToJsonString()[..200]}");
            Assert.Equal("serial", (string?)copy!["mode"]);
            Assert.Equal(1, (int?)copy["batchSize"]);
        }

        // The two loops (topology rules and the $Default overrides) do not overlap either.
        var loopNames = loops.Select(l => (string)l["copy"]!["name"]!).ToList();
        Assert.Contains(loops, l => l["dependsOn"]!.AsArray().Any(d => loopNames.Contains((string?)d ?? string.Empty) && (string?)d != (string?)l["copy"]!["name"]));
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    [Fact]
    public void Bicepconfig_raises_the_linter_rules_to_errors()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPaths.Infra, "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();

        foreach (var rule in new[] { "outputs-should-not-contain-secrets", "no-hardcoded-env-urls", "use-secure-value-for-secure-inputs", "no-unused-params", "what-if-short-circuiting" })
        {
            Assert.Equal("error", (string?)rules[rule]?["level"]);
        }
    }

    /// <summary>main.parameters.json is what azd substitutes and passes to main.bicep.</summary>
    [BicepFact]
    public void Main_parameters_json_takes_the_azd_environment_and_covers_every_required_parameter()
    {
        var template = JsonNode.Parse(fixture.Build!.StdOut)!["parameters"]!.AsObject();
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPaths.Infra, "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]?["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)file["location"]?["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)file["principalId"]?["value"]);

        var unknown = file.Select(p => p.Key).Where(name => !template.ContainsKey(name)).ToList();
        Assert.True(unknown.Count == 0, "main.parameters.json sets parameters main.bicep does not have: " + string.Join(", ", unknown));
        var missing = template.Where(p => p.Value!["defaultValue"] is null && !file.ContainsKey(p.Key)).Select(p => p.Key).ToList();
        Assert.True(missing.Count == 0, "Required parameters of main.bicep missing from main.parameters.json: " + string.Join(", ", missing));
        Assert.Equal("location", (string?)template["location"]!["metadata"]?["azd"]?["type"]);
    }

    [Fact]
    public void Infra_uses_plain_resource_declarations_and_every_module_is_used_by_main_bicep()
    {
        // Registry modules (br:, br/public:, ts:) cannot be restored offline; everything is declared in this repository.
        var files = Directory.GetFiles(InfraPaths.Infra, "*.bicep", SearchOption.AllDirectories);
        foreach (var file in files)
        {
            Assert.DoesNotMatch(@"(?m)^\s*module\s+\w+\s+'(br|ts)[:/]", File.ReadAllText(file));
        }

        var main = File.ReadAllText(Path.Combine(InfraPaths.Infra, "main.bicep"));
        foreach (var module in Directory.GetFiles(Path.Combine(InfraPaths.Infra, "modules"), "*.bicep"))
        {
            Assert.Contains($"'modules/{Path.GetFileName(module)}'", main);
        }
    }
}

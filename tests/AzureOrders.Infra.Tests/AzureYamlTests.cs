using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace AzureOrders.Infra.Tests;

/// <summary>azure.yaml: valid for azd, and its one service is the Function App that the Bicep tags.</summary>
public sealed class AzureYamlTests
{
    [SharedSchemaFact(ReferenceSchemas.Azd)]
    public void Azure_yaml_is_valid_against_the_azd_schema()
    {
        var result = ReferenceSchemas.AzureYaml.Evaluate(ToJson(File.ReadAllText(AzureYaml.Path)).RootElement, new() { OutputFormat = Json.Schema.OutputFormat.List });

        Assert.True(result.IsValid, "azure.yaml does not satisfy the azd schema:\n" + SchemaErrors.Describe(result));
    }

    [SharedSchemaFact(ReferenceSchemas.Azd)]
    public void The_azd_schema_rejects_an_azure_yaml_without_a_name_or_a_service_host()
    {
        // Guards the validity test above: the schema is really applied.
        var broken = string.Join('\n', File.ReadAllLines(AzureYaml.Path).Where(l => !l.StartsWith("name:", StringComparison.Ordinal) && !l.TrimStart().StartsWith("host:", StringComparison.Ordinal)));

        var result = ReferenceSchemas.AzureYaml.Evaluate(ToJson(broken).RootElement, new() { OutputFormat = Json.Schema.OutputFormat.List });

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task The_api_service_is_the_dotnet_function_app_project_and_infra_is_main_bicep()
    {
        var root = AzureYaml.Load();
        var services = AzureYaml.Services();
        Assert.Equal(["api"], AzureYaml.ServiceNames());
        var api = (YamlMappingNode)services.Children[new YamlScalarNode("api")];

        Assert.Equal("dotnet", Scalar(api, "language"));
        Assert.Equal("function", Scalar(api, "host"));

        var project = Path.GetFullPath(Path.Combine(InfraPaths.RepoRoot, Scalar(api, "project")!));
        Assert.True(Directory.Exists(project), $"azure.yaml's project path {project} does not exist.");
        var projectFile = Assert.Single(Directory.GetFiles(project, "*.csproj"));
        Assert.Equal(Path.GetFullPath(ProjectProperties.FunctionAppProject), projectFile);

        var properties = await ProjectProperties.OfFunctionAppAsync();
        Assert.Equal("v4", properties["AzureFunctionsVersion"]);
        Assert.Equal("Exe", properties["OutputType"]);

        var infra = (YamlMappingNode)root.Children[new YamlScalarNode("infra")];
        Assert.Equal("bicep", Scalar(infra, "provider"));
        Assert.True(File.Exists(Path.Combine(InfraPaths.RepoRoot, Scalar(infra, "path")!, Scalar(infra, "module")! + ".bicep")));
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>YAML to JSON with YAML 1.2 core-schema types for plain scalars (true/false, numbers, null), as azd reads it.</summary>
    private static JsonDocument ToJson(string yaml)
    {
        using var reader = new StringReader(yaml);
        var stream = new YamlStream();
        stream.Load(reader);
        return JsonDocument.Parse(Convert(stream.Documents.Single().RootNode)?.ToJsonString() ?? "null");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => scalar.Value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            null or "" or "null" or "~" => null,
            var v when long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}."),
    };
}

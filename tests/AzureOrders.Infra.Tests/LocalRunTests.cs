using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AzureOrders.Infra.Tests;

/// <summary>infra/local: the docker compose file and the local.settings sample match each other and the Azure settings.</summary>
public sealed partial class LocalRunTests
{
    // Microsoft's published, well-known emulator credentials: the only keys allowed anywhere in the repository.
    private const string CosmosEmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";
    private const string ServiceBusEmulatorConnection = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

    private static string Local => Path.Combine(InfraPaths.Infra, "local");

    private static JsonObject SampleValues() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Local, "local.settings.sample.json")))!["Values"]!.AsObject();

    [Fact]
    public void The_local_settings_sample_has_an_emulator_connection_for_every_identity_based_connection_of_the_function_app()
    {
        var values = SampleValues();
        var bicep = File.ReadAllText(Path.Combine(InfraPaths.Infra, "modules", "functionapp.bicep"));
        var connections = IdentityConnection().Matches(bicep).Select(m => m.Groups["name"].Value).Distinct().ToList();
        Assert.Equal(["AzureWebJobsStorage", "CosmosDb", "ServiceBus"], connections.Order());

        foreach (var connection in connections)
        {
            Assert.True(values.ContainsKey(connection), $"local.settings.sample.json has no '{connection}' (the Function App reads {connection}__* in Azure).");
        }

        Assert.Equal("UseDevelopmentStorage=true", (string?)values["AzureWebJobsStorage"]);
        Assert.Equal(ServiceBusEmulatorConnection, (string?)values["ServiceBus"]);
        Assert.Equal("dotnet-isolated", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);

        var cosmos = (string)values["CosmosDb"]!;
        Assert.StartsWith("AccountEndpoint=https://localhost:8081/;", cosmos);
        Assert.Contains($"AccountKey={CosmosEmulatorKey};", cosmos);

        var database = JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPaths.Infra, "cosmos-containers.json")))!["databaseName"]!.GetValue<string>();
        Assert.Equal(database, (string?)values["CosmosDb__databaseName"]);
        Assert.Contains("CosmosDb__databaseName: cosmosDatabaseName", bicep);

        // The app refuses to start without an explicit gateway and sender, locally as in Azure.
        Assert.Equal("Simulator", (string?)values["Payments__Gateway"]);
        Assert.Equal("Log", (string?)values["Notifications__Sender"]);
    }

    [Fact]
    public void The_local_settings_sample_holds_only_the_well_known_emulator_keys_and_points_at_localhost()
    {
        foreach (var (name, value) in SampleValues())
        {
            var text = (string?)value ?? string.Empty;
            var withoutKnownKeys = text.Replace($"AccountKey={CosmosEmulatorKey}", string.Empty, StringComparison.Ordinal).Replace("SharedAccessKey=SAS_KEY_VALUE", string.Empty, StringComparison.Ordinal);
            Assert.False(KeyLike().IsMatch(withoutKnownKeys), $"{name} holds a key that is not a well-known emulator key.");
            foreach (Match endpoint in Endpoint().Matches(text))
            {
                Assert.Equal("localhost", endpoint.Groups["host"].Value);
            }
        }
    }

    [Fact]
    public void The_compose_file_runs_the_emulators_on_the_ports_of_the_sample_with_the_generated_service_bus_config()
    {
        var compose = LoadYaml(Path.Combine(Local, "docker-compose.yml"));
        var services = (YamlMappingNode)compose.Children[new YamlScalarNode("services")];
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        Assert.Equal(["azurite", "cosmos-emulator", "servicebus-emulator", "sqlserver"], names.Order());

        var serviceBus = (YamlMappingNode)services.Children[new YamlScalarNode("servicebus-emulator")];
        var volume = Assert.Single(Sequence(serviceBus, "volumes"));
        var source = volume.Split(':')[0];
        Assert.Equal(Path.GetFullPath(ServiceBusEmulatorConfig.CommittedPath), Path.GetFullPath(Path.Combine(Local, source)));
        Assert.EndsWith(":/ServiceBus_Emulator/ConfigFiles/Config.json:ro", volume);
        Assert.Contains("5672:5672", Sequence(serviceBus, "ports"));

        var azurite = (YamlMappingNode)services.Children[new YamlScalarNode("azurite")];
        Assert.Equal(["10000:10000", "10001:10001", "10002:10002"], Sequence(azurite, "ports"));
        var cosmos = (YamlMappingNode)services.Children[new YamlScalarNode("cosmos-emulator")];
        Assert.Contains("8081:8081", Sequence(cosmos, "ports"));

        // No password in the file: SQL Server's comes from the developer's environment.
        var text = File.ReadAllText(Path.Combine(Local, "docker-compose.yml"));
        foreach (Match password in Regex.Matches(text, @"MSSQL_SA_PASSWORD:\s*(?<value>.+)"))
        {
            Assert.StartsWith("\"${MSSQL_SA_PASSWORD:?", password.Groups["value"].Value.Trim());
        }
    }

    [Fact]
    public void The_compose_file_uses_microsofts_current_images_with_pinned_tags_and_health_checks()
    {
        var compose = LoadYaml(Path.Combine(Local, "docker-compose.yml"));
        var services = (YamlMappingNode)compose.Children[new YamlScalarNode("services")];
        foreach (var (key, value) in services.Children)
        {
            var service = (YamlMappingNode)value;
            var name = ((YamlScalarNode)key).Value;
            var image = ((YamlScalarNode)service.Children[new YamlScalarNode("image")]).Value!;
            Assert.StartsWith("mcr.microsoft.com/", image);
            var tag = image.Split(':')[^1];
            Assert.False(image.Count(c => c == ':') == 0 || tag is "latest" || tag.EndsWith("-latest", StringComparison.Ordinal), $"{name}: image {image} is not pinned to a tag.");
            Assert.True(service.Children.ContainsKey(new YamlScalarNode("healthcheck")), $"{name} has no health check.");
        }

        // SQL Server 2022, not the retired Azure SQL Edge; the emulator waits for it to be healthy.
        Assert.DoesNotContain("azure-sql-edge", File.ReadAllText(Path.Combine(Local, "docker-compose.yml")));
        Assert.StartsWith("mcr.microsoft.com/mssql/server:2022-", ((YamlScalarNode)((YamlMappingNode)services.Children[new YamlScalarNode("sqlserver")]).Children[new YamlScalarNode("image")]).Value);
        var emulator = (YamlMappingNode)services.Children[new YamlScalarNode("servicebus-emulator")];
        var dependsOn = (YamlMappingNode)emulator.Children[new YamlScalarNode("depends_on")];
        Assert.Equal("service_healthy", ((YamlScalarNode)((YamlMappingNode)dependsOn.Children[new YamlScalarNode("sqlserver")]).Children[new YamlScalarNode("condition")]).Value);
        var environment = (YamlMappingNode)emulator.Children[new YamlScalarNode("environment")];
        Assert.Equal("sqlserver", ((YamlScalarNode)environment.Children[new YamlScalarNode("SQL_SERVER")]).Value);

        // One Azurite version for the Docker path and the embedded runner.
        var npm = JsonNode.Parse(File.ReadAllText(Path.Combine(Local, "package.json")))!;
        var azurite = ((YamlScalarNode)((YamlMappingNode)services.Children[new YamlScalarNode("azurite")]).Children[new YamlScalarNode("image")]).Value!;
        Assert.Equal((string?)(npm["dependencies"]?["azurite"] ?? npm["devDependencies"]?["azurite"]), azurite.Split(':')[^1]);
    }

    private static YamlMappingNode LoadYaml(string path)
    {
        using var reader = new StringReader(File.ReadAllText(path));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    [GeneratedRegex(@"\b(?<name>\w+)__(fullyQualifiedNamespace|accountEndpoint|accountName)\b")]
    private static partial Regex IdentityConnection();

    [GeneratedRegex(@"(AccountKey|SharedAccessKey|SharedAccessSignature|Password)=", RegexOptions.IgnoreCase)]
    private static partial Regex KeyLike();

    [GeneratedRegex(@"(?:Endpoint|AccountEndpoint)=(?:sb|https?)://(?<host>[^:/;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Endpoint();
}

using Json.Schema;

namespace AzureOrders.Infra.Tests;

/// <summary>The reference schemas of ../shared/schemas, each built once per test run (a schema registers its URI once).</summary>
internal static class ReferenceSchemas
{
    public const string ServiceBusEmulator = "servicebus-emulator/Config-schema.json";
    public const string Azd = "azd/azure.yaml.v1.0.json";

    // azure.yaml.v1.0.json $refs extension schemas by absolute URL; each file sits at the path its URL names.
    private const string AzdExtensionsBaseUrl = "https://raw.githubusercontent.com/Azure/azure-dev/main/";

    private static readonly Lazy<JsonSchema> EmulatorSchema = new(() =>
        JsonSchema.FromFile(Path.Combine(InfraPaths.SharedSchemas, ServiceBusEmulator)));

    private static readonly Lazy<JsonSchema> AzdSchema = new(() =>
    {
        var root = Path.Combine(InfraPaths.SharedSchemas, "azd");
        var extensions = Path.Combine(root, "cli");
        if (Directory.Exists(extensions))
        {
            foreach (var file in Directory.EnumerateFiles(extensions, "*.json", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                var url = new Uri(AzdExtensionsBaseUrl + relative);
                if (SchemaRegistry.Global.Get(url) is null)
                {
                    SchemaRegistry.Global.Register(url, JsonSchema.FromText(File.ReadAllText(file), baseUri: url));
                }
            }
        }

        return JsonSchema.FromText(File.ReadAllText(Path.Combine(InfraPaths.SharedSchemas, Azd)));
    });

    public static JsonSchema ServiceBusEmulatorConfig => EmulatorSchema.Value;

    public static JsonSchema AzureYaml => AzdSchema.Value;
}

using YamlDotNet.RepresentationModel;

namespace AzureOrders.Infra.Tests;

/// <summary>azure.yaml at the repository root.</summary>
internal static class AzureYaml
{
    public static string Path => System.IO.Path.Combine(InfraPaths.RepoRoot, "azure.yaml");

    public static YamlMappingNode Load()
    {
        using var reader = new StringReader(File.ReadAllText(Path));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlMappingNode Services() => (YamlMappingNode)Load().Children[new YamlScalarNode("services")];

    public static IReadOnlyList<string> ServiceNames() =>
        Services().Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
}

using System.Text.Json;

namespace AzureOrders.ServiceBusEmulator.Configuration;

/// <summary>Loads either file format: the official emulator's Config.json (it has <c>UserConfig</c>) or the project's topology.json.</summary>
public static class ConfigFile
{
    public static EmulatorConfig Load(string path)
    {
        var json = File.ReadAllText(path);
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var isOfficial = document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.EnumerateObject().Any(p => string.Equals(p.Name, "UserConfig", StringComparison.OrdinalIgnoreCase));
        return isOfficial ? OfficialConfigLoader.Parse(json) : TopologyLoader.Parse(json);
    }
}

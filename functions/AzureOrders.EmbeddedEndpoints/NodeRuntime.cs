namespace AzureOrders.EmbeddedEndpoints;

/// <summary>Finds the Node.js and npm executables the embedded endpoints run on.</summary>
public static class NodeRuntime
{
    /// <summary>Set to a full path to use a Node.js other than the first one on PATH.</summary>
    public const string NodeEnvironmentVariable = "AZUREORDERS_NODE";

    public static string NodeExecutable => Environment.GetEnvironmentVariable(NodeEnvironmentVariable) is { Length: > 0 } node
        ? node
        : FindOnPath(OperatingSystem.IsWindows() ? "node.exe" : "node") ?? throw MissingNode();

    public static string NpmExecutable
    {
        get
        {
            // npm ships beside node; prefer that copy so both come from the same installation.
            var besideNode = Path.GetDirectoryName(NodeExecutable) is { } dir
                ? Path.Combine(dir, OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
                : null;
            if (besideNode is not null && File.Exists(besideNode)) return besideNode;
            return FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
                ?? throw new EmbeddedEndpointException("npm was not found next to Node.js or on PATH. Install Node.js 20+ with npm.");
        }
    }

    private static EmbeddedEndpointException MissingNode() => new(
        "Node.js was not found on PATH. The embedded Cosmos DB server and Azurite run on Node.js 20+: " +
        $"install it (it brings npm), or set {NodeEnvironmentVariable} to the node executable, " +
        "or point the tests at external endpoints (AZUREORDERS_COSMOS_CONNECTION, AZUREORDERS_STORAGE_CONNECTION).");

    private static string? FindOnPath(string fileName)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, fileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

using Microsoft.Extensions.Configuration;

namespace AzureOrders.Hosting;

/// <summary>
/// Where Service Bus and Cosmos DB are, read once with the keys the Functions triggers use (<c>ServiceBus</c>,
/// <c>CosmosDb</c>) and checked at start-up, so a missing one is named in one clear message instead of surfacing as a
/// null reference on the first message. Locally: connection strings for the emulators. In Azure: endpoints plus the
/// managed identity (no keys). Every host reads the same keys.
/// </summary>
public sealed record ConnectionSettings(
    string? ServiceBusConnectionString,
    string? ServiceBusNamespace,
    string? CosmosConnectionString,
    Uri? CosmosEndpoint,
    string CosmosDatabaseName,
    string? ManagedIdentityClientId)
{
    public const string ServiceBusSection = "ServiceBus";
    public const string CosmosSection = "CosmosDb";

    /// <summary>True when both services are reached with an Entra token rather than a connection string.</summary>
    public bool NeedsCredential => ServiceBusConnectionString is null || CosmosConnectionString is null;

    public static ConnectionSettings Load(IConfiguration configuration)
    {
        var problems = new List<string>();

        var serviceBus = configuration.GetSection(ServiceBusSection);
        var sbConnection = Blank(serviceBus.Value);
        var sbNamespace = Blank(serviceBus["fullyQualifiedNamespace"]);
        if (sbConnection is null && sbNamespace is null)
            problems.Add("Service Bus: set 'ServiceBus' to a connection string (emulators) or 'ServiceBus__fullyQualifiedNamespace' to the namespace host name (Azure, managed identity).");

        var cosmos = configuration.GetSection(CosmosSection);
        // Like the ServiceBus connection: the section's own value (local.settings "CosmosDb") or CosmosDb__connectionString.
        var cosmosConnection = Blank(cosmos.Value) ?? Blank(cosmos["connectionString"]);
        var cosmosEndpointText = Blank(cosmos["accountEndpoint"]);
        Uri? cosmosEndpoint = null;
        if (cosmosConnection is null && cosmosEndpointText is null)
            problems.Add("Cosmos DB: set 'CosmosDb' or 'CosmosDb__connectionString' to a connection string (emulators) or 'CosmosDb__accountEndpoint' (Azure, managed identity).");
        else if (cosmosEndpointText is not null && !Uri.TryCreate(cosmosEndpointText, UriKind.Absolute, out cosmosEndpoint))
            problems.Add($"Cosmos DB: 'CosmosDb__accountEndpoint' is not an absolute URI: '{cosmosEndpointText}'.");

        if (problems.Count > 0)
            throw new InvalidOperationException("Missing or invalid settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));

        return new ConnectionSettings(
            sbConnection,
            sbNamespace,
            cosmosConnection,
            cosmosEndpoint,
            Blank(cosmos["databaseName"]) ?? Persistence.ContainerNames.Database,
            Blank(configuration["AZURE_CLIENT_ID"]));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

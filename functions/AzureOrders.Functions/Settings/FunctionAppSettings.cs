using Microsoft.Extensions.Configuration;

namespace AzureOrders.Functions.Settings;

/// <summary>
/// The settings the app cannot start without, read once and checked at start-up so a missing one is named
/// in one clear message instead of surfacing as a null reference on the first message.
/// Locally: connection strings for the emulators. In Azure: endpoints plus the managed identity (no keys).
/// </summary>
public sealed record FunctionAppSettings(
    string? ServiceBusConnectionString,
    string? ServiceBusNamespace,
    string? CosmosConnectionString,
    Uri? CosmosEndpoint,
    string CosmosDatabaseName,
    string? ManagedIdentityClientId,
    TimeSpan OutboxRelayAfter)
{
    public const string ServiceBusSection = "ServiceBus";
    public const string CosmosSection = "CosmosDb";

    public static FunctionAppSettings Load(IConfiguration configuration)
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

        var relayText = Blank(configuration["Outbox:RelayAfter"]);
        var relayAfter = TimeSpan.FromSeconds(30);
        if (relayText is not null && !TimeSpan.TryParse(relayText, System.Globalization.CultureInfo.InvariantCulture, out relayAfter))
            problems.Add($"Outbox: 'Outbox__RelayAfter' must be a time span such as 00:00:30, not '{relayText}'.");

        if (problems.Count > 0)
            throw new InvalidOperationException("The Function App is missing settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => " - " + p)));

        return new FunctionAppSettings(
            sbConnection,
            sbNamespace,
            cosmosConnection,
            cosmosEndpoint,
            Blank(cosmos["databaseName"]) ?? Persistence.ContainerNames.Database,
            Blank(configuration["AZURE_CLIENT_ID"]) ?? Blank(cosmos["clientId"]) ?? Blank(serviceBus["clientId"]),
            relayAfter);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

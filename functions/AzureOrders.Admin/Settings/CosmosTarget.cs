using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Admin.Settings;

/// <summary>
/// Which Cosmos DB account setup acts on: an endpoint with Entra sign-in (Azure, where keys are disabled) or a
/// connection string (Microsoft's emulator, the embedded runner's server). First of: --cosmos-connection-string,
/// --cosmos-endpoint, $AZUREORDERS_COSMOS_CONNECTION, COSMOS_ENDPOINT (process or azd environment).
/// </summary>
public sealed record CosmosTarget(Uri Endpoint, string? ConnectionString, string Source)
{
    public const string ConnectionVariable = "AZUREORDERS_COSMOS_CONNECTION";
    public const string EndpointVariable = "COSMOS_ENDPOINT";
    public const string DatabaseVariable = "COSMOS_DATABASE_NAME";

    public const string Missing =
        "no Cosmos DB: give --cosmos-endpoint https://<account>.documents.azure.com:443/ (Azure, Entra sign-in) or " +
        "--cosmos-connection-string \"AccountEndpoint=...;AccountKey=...;\" (emulators, the local runner), " +
        $"or set {EndpointVariable} (azd env get-values prints it) or {ConnectionVariable}";

    /// <summary>Entra sign-in: data-plane roles only, so setup checks the database and containers instead of creating them.</summary>
    public bool UsesEntra => ConnectionString is null;

    /// <summary>The target, null when none is given or configured; throws <see cref="UsageException"/> for a value that is not one.</summary>
    public static CosmosTarget? Resolve(string? connectionString, Uri? endpoint, AzdEnvironment environment)
    {
        if (connectionString is not null) return FromConnectionString(connectionString, "--cosmos-connection-string");
        if (endpoint is not null) return new(endpoint, null, "--cosmos-endpoint");
        if (environment.Get(ConnectionVariable) is { } fromVariable) return FromConnectionString(fromVariable, environment.SourceOf(ConnectionVariable));
        if (environment.Get(EndpointVariable) is { } fromAzd)
            return Uri.TryCreate(fromAzd, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                ? new(uri, null, environment.SourceOf(EndpointVariable))
                : throw new UsageException($"{environment.SourceOf(EndpointVariable)} is not an http(s) URL: '{fromAzd}'");
        return null;
    }

    public CosmosClient CreateClient(AzdEnvironment environment) =>
        ConnectionString is not null
            ? CosmosClientFactory.Create(ConnectionString)
            : CosmosClientFactory.Create(Endpoint, Credentials.Create(environment));

    private static CosmosTarget FromConnectionString(string connectionString, string source)
    {
        try
        {
            return new(CosmosClientFactory.ParseEndpoint(connectionString), connectionString, source);
        }
        catch (Exception e) when (e is FormatException or UriFormatException)
        {
            throw new UsageException($"the Cosmos DB connection string ({source}) is not valid: {e.Message}");
        }
    }
}

using System.Data.Common;
using AzureOrders.EmbeddedEndpoints;
using Microsoft.Azure.Cosmos;
using Xunit;

namespace AzureOrders.Testing;

/// <summary>
/// A Cosmos DB endpoint for tests (IAsyncLifetime; use as a class or collection fixture).
/// By default it starts the embedded server (infra/local: @vercel/cosmosdb-server + our compatibility layer)
/// on a free 127.0.0.1 port and stops it afterwards.
/// Set AZUREORDERS_COSMOS_CONNECTION to a Cosmos DB connection string
/// ("AccountEndpoint=https://...;AccountKey=...;") to run the same tests against Microsoft's emulator or Azure.
/// </summary>
public class CosmosServerFixture : IAsyncLifetime
{
    public const string ConnectionEnvironmentVariable = "AZUREORDERS_COSMOS_CONNECTION";

    private EmbeddedCosmosServer? server;
    private CosmosClient? client;

    public string ConnectionString { get; private set; } = "";

    public Uri Endpoint { get; private set; } = null!;

    public string Key { get; private set; } = "";

    /// <summary>True when the fixture started the embedded server rather than using an external endpoint.</summary>
    public bool IsEmbedded => server is not null;

    /// <summary>A shared client with the settings of <see cref="CosmosClients.CreateOptions"/>.</summary>
    public CosmosClient Client => client ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable) is { Length: > 0 } external)
        {
            var parts = new DbConnectionStringBuilder { ConnectionString = external };
            Endpoint = new Uri((string)parts["AccountEndpoint"]);
            Key = (string)parts["AccountKey"];
            ConnectionString = external;
        }
        else
        {
            server = await EmbeddedCosmosServer.StartAsync();
            Endpoint = server.Endpoint;
            Key = server.Key;
            ConnectionString = server.ConnectionString;
        }

        client = CosmosClients.Create(ConnectionString);
    }

    /// <summary>Creates a database with a unique name, so tests sharing the fixture do not see each other's data.</summary>
    public async Task<Database> CreateDatabaseAsync(string prefix = "test")
    {
        var response = await Client.CreateDatabaseAsync($"{prefix}-{Guid.NewGuid():N}");
        return response.Database;
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        if (server is not null) await server.DisposeAsync();
    }
}

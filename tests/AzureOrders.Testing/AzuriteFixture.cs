using AzureOrders.EmbeddedEndpoints;
using Xunit;

namespace AzureOrders.Testing;

/// <summary>
/// Blob, queue and table endpoints for tests (IAsyncLifetime; use as a class or collection fixture).
/// By default it starts Azurite (infra/local) in memory on free 127.0.0.1 ports and stops it afterwards.
/// Set AZUREORDERS_STORAGE_CONNECTION to a storage connection string (e.g. "UseDevelopmentStorage=true"
/// for an Azurite you run yourself, or an Azure account's) to use that instead.
/// </summary>
public class AzuriteFixture : IAsyncLifetime
{
    public const string ConnectionEnvironmentVariable = "AZUREORDERS_STORAGE_CONNECTION";

    private EmbeddedAzurite? azurite;

    public string ConnectionString { get; private set; } = "";

    public bool IsEmbedded => azurite is not null;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable) is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }

        azurite = await EmbeddedAzurite.StartAsync();
        ConnectionString = azurite.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (azurite is not null) await azurite.DisposeAsync();
    }
}

using AzureOrders.Contracts;
using AzureOrders.Hosting;
using AzureOrders.Setup;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.LocalHost;

/// <summary>Local runs: the admin tool's setup (database, containers, catalog and stock), the same code `azureorders setup` runs.</summary>
public static class LocalStore
{
    public static Task<SetupReport> InitializeAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        SystemSetup.RunAsync(services.GetRequiredService<CosmosClient>(), services.GetRequiredService<ConnectionSettings>().CosmosDatabaseName,
            services.GetRequiredService<IProductCatalog>().All, cancellationToken);
}

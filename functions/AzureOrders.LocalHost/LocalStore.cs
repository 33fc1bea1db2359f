using AzureOrders.Contracts;
using AzureOrders.Hosting;
using AzureOrders.Inventory;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.LocalHost;

/// <summary>Local runs: the database, its containers and the catalog's stock (in Azure, Bicep and the admin tool's setup do this).</summary>
public static class LocalStore
{
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var connections = services.GetRequiredService<ConnectionSettings>();
        await Containers.EnsureCreatedAsync(services.GetRequiredService<CosmosClient>(), connections.CosmosDatabaseName, cancellationToken);
        await services.GetRequiredService<StockLedger>().SeedAsync(services.GetRequiredService<IProductCatalog>().All, cancellationToken);
    }
}

using AzureOrders.Inventory;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class CosmosSmokeTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task Containers_are_created_and_stock_is_seeded()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        var stock = await h.ReadAsync<StockDocument>(ContainerNames.Inventory, StockDocument.DocumentId, "WIDGET-001");
        Assert.NotNull(stock);
        Assert.Equal(1000, stock.Available);
        Assert.Null(await h.ReadAsync<StockDocument>(ContainerNames.Inventory, StockDocument.DocumentId, "NOPE-1"));
    }
}

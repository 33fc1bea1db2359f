using AzureOrders.Contracts;

namespace AzureOrders.Core.Tests.Contracts;

public class CatalogFileTests
{
    [Fact]
    public void The_embedded_catalog_is_infra_catalog_json_and_the_seed_catalog_reads_it()
    {
        Assert.Equal(File.ReadAllText(RepoPaths.File("infra/catalog.json")), CatalogFile.DefaultJson);
        Assert.Equal(CatalogFile.Load(RepoPaths.File("infra/catalog.json")), SeedProductCatalog.Seed);
        Assert.True(new SeedProductCatalog().TryGet("WIDGET-001", out var widget));
        // The seed document's example order: WIDGET-001 x 2 at 1999.
        Assert.Equal(new Product("WIDGET-001", "Widget", 1999, 1000), widget);
        Assert.Equal(["WIDGET-001", "GADGET-002", "GIZMO-003", "DOOHICKEY-004", "SPROCKET-005"], SeedProductCatalog.Seed.Select(p => p.Sku));
        Assert.Equal(250, SeedProductCatalog.Seed.Single(p => p.Sku == "DOOHICKEY-004").InitialStock);
    }

    [Theory]
    [InlineData("""{ "products": [ { "sku": "A-1", "name": "A", "priceInCents": 100, "intialStock": 5 } ] }""", "intialStock")]
    [InlineData("""{ "products": [ { "sku": "A-1", "name": "A", "priceInCents": 100 } ] }""", "initialStock")]
    [InlineData("""{ "products": [ { "sku": "A-1", "name": "A", "priceInCents": 100, "initialStock": 1 }, { "sku": "A-1", "name": "B", "priceInCents": 1, "initialStock": 1 } ] }""", "'A-1' appears twice")]
    [InlineData("""{ "products": [ { "sku": "A-1", "name": "A", "priceInCents": -1, "initialStock": 1 } ] }""", "priceInCents is negative")]
    [InlineData("""{ "products": [ { "sku": "A-1", "name": null, "priceInCents": 1, "initialStock": 1 } ] }""", "name")]
    [InlineData("""{ "products": [] }""", "products is empty")]
    [InlineData("""not json""", "catalog")]
    public void A_wrong_catalog_is_refused_with_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => CatalogFile.Parse(json));
        Assert.Contains(expected, error.Message);
    }
}

using AzureOrders.Contracts;
using AzureOrders.Orders;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Prices come from the catalog (infra/catalog.json: WIDGET-001 1999, GADGET-002 4999): a client that names another
/// price or total is refused with 422 and nothing is stored or published, so nothing can be captured for it.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CatalogPricingTests(CosmosServerFixture fixture)
{
    [Theory]
    [InlineData("""{"orderId":"ord_price_0","customerId":"c","items":[{"sku":"GADGET-002","quantity":50,"priceInCents":0}],"totalInCents":0}""",
        "ord_price_0", "GADGET-002", 4999, "/items/0/priceInCents")]
    [InlineData("""{"orderId":"ord_price_low","customerId":"c","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1998}],"totalInCents":1998}""",
        "ord_price_low", "WIDGET-001", 1999, "/items/0/priceInCents")]
    [InlineData("""{"orderId":"ord_price_2","customerId":"c","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999},{"sku":"GADGET-002","quantity":1,"priceInCents":5000}],"totalInCents":6999}""",
        "ord_price_2", "GADGET-002", 4999, "/items/1/priceInCents")]
    public async Task When_a_line_price_differs_from_the_catalog_the_order_is_refused_with_422_naming_the_sku_and_its_catalog_price(
        string body, string orderId, string sku, long catalogPrice, string errorAt)
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        var rejected = Assert.IsType<PlaceOrderResult.Rejected>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), null, CancellationToken.None));

        Assert.Equal(422, rejected.Problem.Status);
        Assert.EndsWith("/price-mismatch", rejected.Problem.Type);
        Assert.Contains($"{sku} costs {catalogPrice} cents in the catalog", rejected.Problem.Detail);
        Assert.Equal([$"the catalog price of {sku} is {catalogPrice}"], rejected.Problem.Errors![errorAt]);
        await AssertNothingStoredAsync(h, orderId);
    }

    [Fact]
    public async Task When_the_total_differs_from_the_catalog_sum_the_order_is_refused_with_422_stating_the_catalog_total()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        const string body = """{"orderId":"ord_total","customerId":"c","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3997}""";

        var rejected = Assert.IsType<PlaceOrderResult.Rejected>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), null, CancellationToken.None));

        Assert.Equal(422, rejected.Problem.Status);
        Assert.EndsWith("/price-mismatch", rejected.Problem.Type);
        Assert.Contains("sum to 3998", rejected.Problem.Detail);
        Assert.Contains("/totalInCents", rejected.Problem.Errors!.Keys);
        await AssertNothingStoredAsync(h, "ord_total");
    }

    [Fact]
    public async Task When_a_sku_is_not_in_the_catalog_the_order_is_refused_with_422_naming_it()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        const string body = """{"orderId":"ord_unknown_sku","customerId":"c","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999},{"sku":"NOPE-404","quantity":1,"priceInCents":1}],"totalInCents":2000}""";

        var rejected = Assert.IsType<PlaceOrderResult.Rejected>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), null, CancellationToken.None));

        Assert.Equal(422, rejected.Problem.Status);
        Assert.EndsWith("/unknown-sku", rejected.Problem.Type);
        Assert.Contains("NOPE-404", rejected.Problem.Detail);
        Assert.Equal(["/items/1/sku"], rejected.Problem.Errors!.Keys);
        await AssertNothingStoredAsync(h, "ord_unknown_sku");
    }

    [Fact]
    public async Task When_the_seed_example_is_placed_its_catalog_total_is_what_the_placed_event_carries()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        Assert.IsType<PlaceOrderResult.Accepted>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(Testing.OrderRequests.SeedExample("ord_123")), null, CancellationToken.None));

        // The saga captures order.placed's total; the head keeps the same amount.
        Assert.Equal(3998, Assert.Single(h.Publisher.SentOf(MessageTypes.OrderPlacedV1)).PayloadAs<OrderPlacedV1>().TotalInCents);
        Assert.Equal(3998, (await h.Streams.ReadHeadAsync("ord_123", CancellationToken.None))!.TotalInCents);
    }

    private static async Task AssertNothingStoredAsync(CoreHarness h, string orderId)
    {
        Assert.Null(await h.Streams.ReadHeadAsync(orderId, CancellationToken.None));
        Assert.Empty(h.Publisher.Sent);
    }
}

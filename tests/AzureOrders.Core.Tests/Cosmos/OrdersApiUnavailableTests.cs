using System.Net;
using System.Text.Json;
using AzureOrders.Api;
using AzureOrders.Contracts;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// The orders API answers a transient Cosmos failure with 503 problem details and Retry-After instead of an unhandled
/// exception (a 500); the client's retry then succeeds. Faults are answered on the wire below the real SDK.
/// </summary>
[Collection(CosmosCollection.Name)]
public class OrdersApiUnavailableTests(CosmosServerFixture fixture)
{

    private const string Body = """{"orderId":"ord_api_1","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";

    [Fact]
    public async Task When_cosmos_answers_503_while_an_order_is_placed_the_api_answers_503_with_retry_after_and_the_retried_request_places_it_once()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        var api = h.System.Get<AzureOrders.Orders.OrdersApi>();
        faults.Fail(CosmosWireFaults.Batch, HttpStatusCode.ServiceUnavailable, times: 1);

        var unavailable = await api.PlaceAsync(CoreHarness.Json(Body), "application/json", null, CancellationToken.None);
        var retried = await api.PlaceAsync(CoreHarness.Json(Body), "application/json", null, CancellationToken.None);

        Assert.Equal(1, faults.Injected);
        Assert.Equal(503, unavailable.StatusCode);
        Assert.Equal(1, unavailable.RetryAfterSeconds);
        Assert.Equal("application/problem+json", unavailable.ContentType);
        Assert.Null(unavailable.Location);
        var problem = JsonDocument.Parse(unavailable.Body).RootElement;
        Assert.Equal("https://azureorders.example/problems/temporarily-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal("The service is temporarily unavailable", problem.GetProperty("title").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("Order storage is temporarily unavailable; retry in 1 s. Repeating the request with the same orderId or Idempotency-Key is safe: it never places a second order.",
            problem.GetProperty("detail").GetString());

        Assert.Equal(201, retried.StatusCode);
        Assert.Null(retried.RetryAfterSeconds);
        Assert.Equal("/api/orders/ord_api_1", retried.Location);
        Assert.Single(await h.Streams.ReadEventsAsync("ord_api_1", CancellationToken.None));
        Assert.Equal("ord_api_1", Assert.Single(h.Publisher.SentOf(MessageTypes.OrderPlacedV1)).PayloadAs<OrderPlacedV1>().OrderId);
    }

    [Fact]
    public async Task When_cosmos_throttles_a_read_of_an_order_the_api_answers_503_with_the_wait_cosmos_asked_for_rounded_up_to_seconds()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        var api = h.System.Get<AzureOrders.Orders.OrdersApi>();
        Assert.Equal(201, (await api.PlaceAsync(CoreHarness.Json(Body), "application/json", null, CancellationToken.None)).StatusCode);
        faults.Fail(CosmosWireFaults.PointRead, (HttpStatusCode)429, times: 1, retryAfter: TimeSpan.FromMilliseconds(1200));

        var unavailable = await api.GetAsync("ord_api_1", CancellationToken.None);
        var retried = await api.GetAsync("ord_api_1", CancellationToken.None);

        Assert.Equal(1, faults.Injected);
        Assert.Equal(503, unavailable.StatusCode);
        Assert.Equal(2, unavailable.RetryAfterSeconds);
        Assert.Equal("application/problem+json", unavailable.ContentType);
        var problem = JsonDocument.Parse(unavailable.Body).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("Order storage is temporarily unavailable; retry in 2 s.", problem.GetProperty("detail").GetString());
        Assert.Equal("/api/orders/ord_api_1", problem.GetProperty("instance").GetString());
        Assert.Equal(200, retried.StatusCode);
        Assert.Equal("ord_api_1", JsonDocument.Parse(retried.Body).RootElement.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task When_cosmos_refuses_a_read_permanently_the_api_does_not_turn_it_into_a_503()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        faults.Fail(CosmosWireFaults.PointRead, HttpStatusCode.BadRequest, times: 1);

        var failure = await Assert.ThrowsAsync<CosmosException>(() => h.System.Get<AzureOrders.Orders.OrdersApi>().GetAsync("ord_api_2", CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
    }
}

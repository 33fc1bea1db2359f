using System.Text;
using System.Text.Json;
using AzureOrders.Orders;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>Bad input at POST /api/orders gets 4xx problem details from OrdersApi (behind both hosts), never a 5xx, and stores nothing.</summary>
[Collection(CosmosCollection.Name)]
public sealed class OrdersApiInputTests(CosmosServerFixture fixture)
{
    private const string Seed = """{"orderId":"ord_input","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";

    // 0xC3 0x28: a lead byte followed by a byte that cannot continue it, inside the customerId string.
    private static readonly (string Scenario, byte[] Body)[] UnreadableBodies =
    [
        ("invalid UTF-8 in a string", [.. Encoding.UTF8.GetBytes("""{"orderId":"ord_input","customerId":"cust_"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(Seed[Seed.IndexOf("\",\"items", StringComparison.Ordinal)..])]),
        ("a lone surrogate escape", Encoding.UTF8.GetBytes(Seed.Replace("cust_456", "cust_\\ud800", StringComparison.Ordinal))),
        ("a lone surrogate escape in a name", Encoding.UTF8.GetBytes(Seed.Replace("\"totalInCents\"", "\"x\\udc00\":1,\"totalInCents\"", StringComparison.Ordinal))),
    ];

    // One system for all cases of a test: each harness is a database on the shared embedded server.
    [Fact]
    public async Task When_a_string_in_the_body_is_not_valid_unicode_the_answer_is_400_problem_details()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        foreach (var (scenario, body) in UnreadableBodies)
        {
            var response = await h.System.Get<OrdersApi>().PlaceAsync(body, "application/json", null, CancellationToken.None);

            Assert.True(response.StatusCode == 400, $"{scenario}: {response.StatusCode} {Encoding.UTF8.GetString(response.Body)}");
            Assert.Equal("https://azureorders.example/problems/malformed-request", Problem(response).GetProperty("type").GetString());
        }
        Assert.Null(await h.Streams.ReadHeadAsync("ord_input", CancellationToken.None));
        Assert.Empty(h.Publisher.Sent);
    }

    [Fact]
    public async Task When_the_body_is_not_declared_as_utf8_json_the_answer_is_415_problem_details()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        foreach (var contentType in new[] { "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "", null })
        {
            var response = await h.System.Get<OrdersApi>().PlaceAsync(CoreHarness.Json(Seed), contentType, null, CancellationToken.None);

            Assert.True(response.StatusCode == 415, $"'{contentType}': {response.StatusCode}");
            var problem = Problem(response);
            Assert.Equal("https://azureorders.example/problems/unsupported-media-type", problem.GetProperty("type").GetString());
            Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString());
        }
        Assert.Null(await h.Streams.ReadHeadAsync("ord_input", CancellationToken.None));
    }

    [Fact]
    public async Task When_the_body_is_declared_as_json_in_any_spelling_the_order_is_placed()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        Assert.Equal(201, (await h.System.Get<OrdersApi>().PlaceAsync(CoreHarness.Json(Seed), "Application/JSON; charset=\"UTF-8\"", null, CancellationToken.None)).StatusCode);
        Assert.Equal(200, (await h.System.Get<OrdersApi>().PlaceAsync(CoreHarness.Json(Seed), "application/json", null, CancellationToken.None)).StatusCode);
    }

    private static JsonElement Problem(AzureOrders.Api.ApiResponse response)
    {
        Assert.Equal("application/problem+json", response.ContentType);
        return JsonDocument.Parse(response.Body).RootElement;
    }
}

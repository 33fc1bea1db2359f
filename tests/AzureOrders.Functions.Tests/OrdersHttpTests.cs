using AzureOrders.Orders;
using System.Text;
using System.Text.Json;
using AzureOrders.Api;
using AzureOrders.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// The HTTP functions called with a real HttpContext, their IActionResult executed by ASP.NET Core the way the
/// worker's ASP.NET Core integration executes it; status, headers and body are read from the response.
/// </summary>
[Collection(CoreCollection.Name)]
public sealed class OrdersHttpTests(CoreFixture fixture)
{
    [Fact]
    public async Task Placing_an_order_answers_201_with_its_location_and_the_order_is_readable()
    {
        var orderId = $"ord_http_{Guid.NewGuid():N}";
        var placed = await Post(SeedOrder(orderId));

        Assert.Equal(201, placed.Status);
        Assert.Equal($"/api/orders/{orderId}", placed.Location);
        Assert.Equal(orderId, placed.Json.RootElement.GetProperty("orderId").GetString());

        var read = await Get(orderId);
        Assert.Equal(200, read.Status);
        Assert.Equal(orderId, read.Json.RootElement.GetProperty("orderId").GetString());
        Assert.False(string.IsNullOrEmpty(read.Json.RootElement.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Repeating_a_request_with_the_same_idempotency_key_returns_the_same_order()
    {
        var key = $"key-{Guid.NewGuid():N}";
        var body = """{"customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""";

        var first = await Post(body, key);
        var second = await Post(body, key);

        Assert.Equal(201, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Location, second.Location);
        Assert.Equal(first.Json.RootElement.GetProperty("orderId").GetString(), second.Json.RootElement.GetProperty("orderId").GetString());
        var orderId = first.Json.RootElement.GetProperty("orderId").GetString()!;
        Assert.Single(fixture.Publisher.Sent, m => m.Subject.StartsWith("order.placed", StringComparison.Ordinal) && m.Envelope.Payload.GetProperty("orderId").GetString() == orderId);
    }

    [Theory]
    [InlineData("{ nope", 400)]
    [InlineData("""{"orderId":"ord_http_bad","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":"two","priceInCents":1999}],"totalInCents":1999}""", 400)]
    [InlineData("""{"orderId":"ord_http_bad","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":1}""", 422)]
    public async Task Bad_input_gets_problem_details_and_places_nothing(string body, int expectedStatus)
    {
        var sentBefore = fixture.Publisher.Sent.Count;

        var response = await Post(body);

        Assert.Equal(expectedStatus, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal(expectedStatus, response.Json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(response.Json.RootElement.GetProperty("title").GetString()));
        Assert.Equal(sentBefore, fixture.Publisher.Sent.Count);
    }

    [Fact]
    public async Task A_post_with_neither_orderId_nor_Idempotency_Key_answers_428_problem_details_and_places_nothing()
    {
        var sentBefore = fixture.Publisher.Sent.Count;

        var response = await Post("""{"customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""");

        Assert.Equal(428, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal("https://azureorders.example/problems/idempotency-key-required", response.Json.RootElement.GetProperty("type").GetString());
        Assert.Contains("Idempotency-Key", response.Json.RootElement.GetProperty("detail").GetString());
        Assert.Equal(sentBefore, fixture.Publisher.Sent.Count);
    }

    [Fact]
    public async Task A_text_plain_body_answers_415_problem_details_and_places_nothing()
    {
        var sentBefore = fixture.Publisher.Sent.Count;

        var response = await Post(SeedOrder($"ord_http_{Guid.NewGuid():N}"), contentType: "text/plain; charset=utf-8");

        Assert.Equal(415, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal("https://azureorders.example/problems/unsupported-media-type", response.Json.RootElement.GetProperty("type").GetString());
        Assert.Equal(sentBefore, fixture.Publisher.Sent.Count);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_json_string_answers_400_problem_details_not_500()
    {
        var sentBefore = fixture.Publisher.Sent.Count;
        var json = SeedOrder($"ord_http_{Guid.NewGuid():N}");
        var at = json.IndexOf("cust_456", StringComparison.Ordinal) + "cust_".Length;
        byte[] body = [.. Encoding.UTF8.GetBytes(json[..at]), 0xFF, .. Encoding.UTF8.GetBytes(json[at..])];

        var response = await Post(body, null, "application/json");

        Assert.Equal(400, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal("https://azureorders.example/problems/malformed-request", response.Json.RootElement.GetProperty("type").GetString());
        Assert.Equal(sentBefore, fixture.Publisher.Sent.Count);
    }

    [Fact]
    public async Task A_problem_answer_carries_the_trace_id_of_the_request_so_it_can_be_found_in_Application_Insights()
    {
        // The worker runs each invocation under the request's activity; the answer names its trace.
        using var request = new System.Diagnostics.Activity("PlaceOrder").Start();

        var response = await Post("{ nope");

        Assert.Equal(400, response.Status);
        Assert.Equal(request.TraceId.ToString(), response.Json.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task An_unknown_order_answers_404_problem_details()
    {
        var response = await Get("ord_that_never_was");

        Assert.Equal(404, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal(404, response.Json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task When_cosmos_is_unavailable_placing_an_order_answers_503_problem_details_with_a_retry_after_header()
    {
        var orderId = $"ord_http_{Guid.NewGuid():N}";
        Response response;
        fixture.Faults.Unavailable = true;
        try
        {
            response = await Post(SeedOrder(orderId));
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        AssertUnavailable(response);
        Assert.Equal(201, (await Post(SeedOrder(orderId))).Status); // the client's retry places it
    }

    [Fact]
    public async Task When_cosmos_is_unavailable_reading_an_order_answers_503_problem_details_with_a_retry_after_header()
    {
        var orderId = $"ord_http_{Guid.NewGuid():N}";
        Assert.Equal(201, (await Post(SeedOrder(orderId))).Status);
        Response response;
        fixture.Faults.Unavailable = true;
        try
        {
            response = await Get(orderId);
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        AssertUnavailable(response);
        Assert.Equal($"/api/orders/{orderId}", response.Json.RootElement.GetProperty("instance").GetString());
    }

    private static void AssertUnavailable(Response response)
    {
        Assert.Equal(503, response.Status);
        Assert.Equal("1", response.RetryAfter);
        Assert.StartsWith("application/problem+json", response.ContentType);
        Assert.Equal(503, response.Json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("https://azureorders.example/problems/temporarily-unavailable", response.Json.RootElement.GetProperty("type").GetString());
        Assert.StartsWith("Order storage is temporarily unavailable; retry in 1 s.", response.Json.RootElement.GetProperty("detail").GetString());
    }

    private static string SeedOrder(string orderId) =>
        $$"""{"orderId":"{{orderId}}","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";

    private Task<Response> Post(string body, string? idempotencyKey = null, string? contentType = "application/json") =>
        Post(Encoding.UTF8.GetBytes(body), idempotencyKey, contentType);

    private Task<Response> Post(byte[] body, string? idempotencyKey, string? contentType)
    {
        var context = FunctionHttp.NewContext("POST", "/api/orders");
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentType = contentType;
        if (idempotencyKey is not null) context.Request.Headers[OrdersApi.IdempotencyKeyHeader] = idempotencyKey;
        return Execute(context, Functions().Place(context.Request, CancellationToken.None));
    }

    private Task<Response> Get(string orderId)
    {
        var context = FunctionHttp.NewContext("GET", $"/api/orders/{orderId}");
        return Execute(context, Functions().Get(context.Request, orderId, CancellationToken.None));
    }

    private OrdersHttpFunctions Functions() => fixture.System.Get<OrdersHttpFunctions>();

    private static async Task<Response> Execute(HttpContext context, Task<IActionResult> invocation)
    {
        var response = await FunctionHttp.ExecuteAsync(context, await invocation);
        var json = await JsonDocument.ParseAsync(response.Body);
        return new Response(response.StatusCode, response.ContentType, response.Headers.Location.FirstOrDefault(), json, response.Headers.RetryAfter.FirstOrDefault());
    }

    private sealed record Response(int Status, string? ContentType, string? Location, JsonDocument Json, string? RetryAfter = null);
}

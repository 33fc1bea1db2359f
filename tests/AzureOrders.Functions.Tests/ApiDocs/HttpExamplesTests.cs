using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureOrders.Functions.Http;
using AzureOrders.Orders;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using OpenApiDocument = AzureOrders.Api.OpenApiDocument;

namespace AzureOrders.Functions.Tests.ApiDocs;

/// <summary>
/// docs/requests.http is an executable example: every request targets a documented route with a documented answer,
/// and the orders requests, sent through the real HTTP functions in file order, get exactly the answer they promise.
/// </summary>
[Collection(CoreCollection.Name)]
public sealed class HttpExamplesTests(CoreFixture fixture)
{
    private static readonly string Text = System.IO.File.ReadAllText(RepoPaths.File(HttpExamples.File));
    private static readonly IReadOnlyList<HttpExample> Examples = HttpExamples.Parse(Text);
    private static readonly string Base = HttpExamples.Variables(Text)["base"];

    [Fact]
    public void The_examples_target_the_local_server_of_the_openapi_document()
    {
        var local = OpenApiDocumentTests.Document["servers"]!.AsArray().Select(s => (string?)s!["url"]).Single(u => u!.StartsWith("http://127.0.0.1", StringComparison.Ordinal));
        Assert.Equal(local, Base);
        Assert.All(Examples, e => Assert.StartsWith(Base + "/", e.Url, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_request_targets_a_documented_route_and_expects_a_documented_answer()
    {
        Assert.True(Examples.Count >= 6, $"only {Examples.Count} requests parsed from {HttpExamples.File}");
        foreach (var example in Examples)
        {
            var operation = Match(example);
            Assert.True(operation is not null, $"{example}: no route of docs/openapi.json serves {example.Method} {example.PathBelow(Base)}.");
            Assert.True(example.Expect != 0, $"{example}: add a '# expect: NNN' comment.");
            Assert.True(operation!["responses"]![example.Expect.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not null,
                $"{example}: {operation["operationId"]} does not document a {example.Expect} answer.");
        }
        Assert.Contains(Examples, e => Match(e)?["operationId"]?.GetValue<string>() == "DeadLetters_List");
    }

    [Fact]
    public void The_first_placement_is_the_documented_seed_order_with_an_idempotency_key()
    {
        var place = Examples.First(e => (string?)Match(e)?["operationId"] == OrdersApiDescription.PlaceOrder);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(OrdersApiDescription.ExampleOrder), JsonNode.Parse(place.Body!)), place.Body);
        Assert.False(string.IsNullOrEmpty(place.Headers.GetValueOrDefault(OrdersApi.IdempotencyKeyHeader)));
        Assert.True(OpenApiConformance.IsValidAgainst("OrderPlacementRequest", place.Body!));
    }

    [Fact]
    public async Task The_orders_requests_get_the_answers_they_expect_and_the_answers_match_the_document()
    {
        // A fresh order id and key, so the first placement is new (201) whatever ran before against this store.
        var run = HttpExamples.Parse(Text, new Dictionary<string, string>
        {
            ["orderId"] = $"ord_demo_{Guid.NewGuid():N}",
            ["idempotencyKey"] = $"demo-key-{Guid.NewGuid():N}",
        });
        var sent = 0;
        foreach (var example in run)
        {
            var functionName = (string?)Match(example)?["operationId"];
            var answer = functionName switch
            {
                OrdersApiDescription.PlaceOrder => await Place(example),
                OrdersApiDescription.GetOrder => await Get(example),
                "Health" => Health(),
                _ => null, // ops routes need the Functions host's Service Bus and Durable clients: covered by the static test above
            };
            if (answer is null) continue;
            sent++;
            Assert.True(example.Expect == answer.Status, $"{example}: expected {example.Expect}, got {answer.Status}: {answer.Body}");
            OpenApiConformance.AssertDocumented(functionName!, answer.Status, answer.ContentType, answer.Body, answer.Headers);
        }
        Assert.True(sent >= 6, $"only {sent} requests were sent");
    }

    [Fact]
    public async Task A_reused_idempotency_key_with_another_body_and_an_unavailable_store_answer_as_documented()
    {
        var key = $"key-{Guid.NewGuid():N}";
        var orderId = $"ord_conflict_{Guid.NewGuid():N}";
        string Order(string id, int quantity) =>
            $$"""{"orderId":"{{id}}","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":{{quantity}},"priceInCents":1999}],"totalInCents":{{quantity * 1999}}}""";
        var first = await Place(Request("POST", Order(orderId, 1), key));
        var conflict = await Place(Request("POST", Order(orderId, 2), key));
        Answer unavailable, unavailableRead;
        fixture.Faults.Unavailable = true;
        try
        {
            unavailable = await Place(Request("POST", Order($"ord_unavailable_{Guid.NewGuid():N}", 1), null));
            unavailableRead = await Get(new HttpExample("read", "GET", $"{Base}/orders/ord_demo_x", new Dictionary<string, string>(), null, 503));
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        Assert.Equal(201, first.Status);
        Assert.Equal(409, conflict.Status);
        OpenApiConformance.AssertDocumented(OrdersApiDescription.PlaceOrder, conflict.Status, conflict.ContentType, conflict.Body, conflict.Headers);
        Assert.Equal(503, unavailable.Status);
        OpenApiConformance.AssertDocumented(OrdersApiDescription.PlaceOrder, unavailable.Status, unavailable.ContentType, unavailable.Body, unavailable.Headers);
        Assert.Equal(503, unavailableRead.Status);
        OpenApiConformance.AssertDocumented(OrdersApiDescription.GetOrder, unavailableRead.Status, unavailableRead.ContentType, unavailableRead.Body, unavailableRead.Headers);
    }

    private HttpExample Request(string method, string body, string? key)
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" };
        if (key is not null) headers[OrdersApi.IdempotencyKeyHeader] = key;
        return new("ad hoc", method, $"{Base}/orders", headers, body, 0);
    }

    private static JsonObject? Match(HttpExample example)
    {
        var path = example.PathBelow(Base);
        foreach (var (template, item) in OpenApiDocumentTests.Document["paths"]!.AsObject())
        {
            var pattern = "^" + System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$";
            if (System.Text.RegularExpressions.Regex.IsMatch(path, pattern) && item![example.Method.ToLowerInvariant()] is JsonObject operation)
                return operation;
        }
        return null;
    }

    private sealed record Answer(int Status, string? ContentType, string Body, IReadOnlyDictionary<string, string?> Headers);

    private OrdersHttpFunctions Functions() => fixture.System.Get<OrdersHttpFunctions>();

    private async Task<Answer> Place(HttpExample example)
    {
        var context = FunctionHttp.NewContext("POST", "/api/orders");
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(example.Body ?? ""));
        foreach (var (name, value) in example.Headers) context.Request.Headers[name] = value;
        return await Execute(context, await Functions().Place(context.Request, CancellationToken.None));
    }

    private async Task<Answer> Get(HttpExample example)
    {
        var orderId = Uri.UnescapeDataString(example.PathBelow(Base).Split('/')[^1]);
        var context = FunctionHttp.NewContext("GET", $"/api/orders/{orderId}");
        return await Execute(context, await Functions().Get(context.Request, orderId, CancellationToken.None));
    }

    /// <summary>Health answers an anonymous object through MVC's JSON formatter (web defaults), which needs no store.</summary>
    private static Answer Health()
    {
        var result = Assert.IsType<OkObjectResult>(new HealthFunction().Run(new DefaultHttpContext().Request));
        return new Answer(200, "application/json", JsonSerializer.Serialize(result.Value, JsonSerializerOptions.Web), new Dictionary<string, string?>());
    }

    private static async Task<Answer> Execute(HttpContext context, IActionResult result)
    {
        var response = await FunctionHttp.ExecuteAsync(context, result);
        var body = await new StreamReader(response.Body).ReadToEndAsync();
        var headers = response.Headers.ToDictionary(h => h.Key, h => (string?)h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, response.ContentType, body, headers);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using AzureOrders.Api;
using AzureOrders.Contracts;
using AzureOrders.Orders.Saga;

namespace AzureOrders.Orders;

/// <summary>
/// The orders API and the saga's ops route as OpenAPI sees them: one entry per function, its answers listed from the
/// problems <see cref="OrdersApi"/> and <see cref="PlaceOrderService"/> build. A new answer of the API is one line here
/// plus a regenerate of docs/openapi.json; a test fails while a <see cref="ProblemDetails"/> factory is undocumented.
/// </summary>
public static class OrdersApiDescription
{
    public const string PlaceOrder = "PlaceOrder";
    public const string GetOrder = "GetOrder";
    public const string SagaProgressFunction = "SagaProgress";

    /// <summary>The 404 problem of GET /api/orders/{orderId} (OrdersApi builds it inline).</summary>
    public static readonly ProblemDetails OrderNotFound = new(
        "https://azureorders.example/problems/order-not-found", "No such order", 404, "There is no order 'ord_that_never_was'.", "/api/orders/ord_that_never_was");

    /// <summary>The seed order the README, the .http file and the examples use.</summary>
    public const string ExampleOrder = """{"orderId":"ord_demo_1","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";

    public static HttpApiDescription Describe()
    {
        var location = new HttpHeader("Location", "Where to read the order: /api/orders/{orderId}.", new JsonObject { ["type"] = "string" });
        var orderIdParameter = new HttpParameter("orderId", "path", "The order id (client-chosen, or ord_... derived from the Idempotency-Key).",
            new JsonObject { ["type"] = "string", ["pattern"] = "^[A-Za-z0-9_-]{1,64}$" }, Required: true, Example: "ord_demo_1");
        var unavailable = ProblemDetails.Unavailable("Order storage is temporarily unavailable; retry in 1 s.", "/api/orders/ord_demo_1");

        HttpOperationDescription[] operations =
        [
            new(PlaceOrder, "orders", "Place an order",
                string.Join("\n",
                    "Takes UTF-8 application/json only. Validates the order against the order.placed.v1 contract (orderId optional), checks",
                    "totals, SKUs and prices against the catalog, stores it and publishes order.placed. Needs an orderId in the body or an",
                    "Idempotency-Key header, so that it is repeat-safe: the same orderId, or the same Idempotency-Key for the same customer,",
                    "returns the same order (201 the first time, 200 afterwards, both with Location). The same key with a different body is 409.",
                    $"Bodies over {OrdersApi.MaxRequestBytes} bytes are refused with 400."),
                [
                    new HttpParameter(OrdersApi.IdempotencyKeyHeader, "header",
                        "Required when the body has no orderId: a repeat with the same key returns the same order (scoped per customerId). At most 200 characters.",
                        new JsonObject { ["type"] = "string", ["maxLength"] = 200 }, Example: "demo-key-1"),
                ],
                new HttpBody("application/json", HttpResponseDescription.SchemaRef("OrderPlacementRequest"), JsonNode.Parse(ExampleOrder)),
                [
                    HttpResponseDescription.Json(201, "The order was placed; the saga starts.", nameof(OrderAccepted), location),
                    HttpResponseDescription.Json(200, "A repeat (same orderId or Idempotency-Key, same body): the order placed before.", nameof(OrderAccepted), location),
                    HttpResponseDescription.Problem("Malformed JSON, an oversized body or Idempotency-Key, or a body that breaks the schema (errors by JSON pointer).",
                        ProblemDetails.Malformed("'n' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 2."),
                        ProblemDetails.Validation(new Dictionary<string, string[]> { ["/items/0/quantity"] = ["type Value is \"string\" but should be \"integer\""] })),
                    HttpResponseDescription.Problem("The orderId or Idempotency-Key was already used for a different order.",
                        ProblemDetails.Conflict("order ord_demo_1 exists with different content", "ord_demo_1")),
                    HttpResponseDescription.Problem("The body is not declared as UTF-8 application/json (or has no Content-Type).",
                        ProblemDetails.UnsupportedMediaType("Content-Type 'text/plain' is not accepted. Send the order as JSON with the header 'Content-Type: application/json' (UTF-8).")),
                    HttpResponseDescription.Problem("The order is inconsistent (totals, duplicate lines), names SKUs the catalog does not sell, or its prices differ from the catalog.",
                        ProblemDetails.Invariant("total 1 differs from the sum of the lines 3998"),
                        ProblemDetails.UnknownSku("unknown SKU(s): NOPE-1; the catalog does not sell them",
                            new Dictionary<string, string[]> { ["/items/0/sku"] = ["'NOPE-1' is not in the catalog"] }),
                        ProblemDetails.PriceMismatch("totalInCents is 3000, but the catalog prices of the lines sum to 3998.",
                            new Dictionary<string, string[]> { ["/totalInCents"] = ["the catalog total is 3998"] })),
                    HttpResponseDescription.Problem("Neither an orderId in the body nor an Idempotency-Key header: a retry could not be told from a new order.",
                        ProblemDetails.IdempotencyRequired(OrdersApi.IdempotencyKeyHeader)),
                    HttpResponseDescription.Problem("Order storage failed transiently; repeating the request with the same orderId or Idempotency-Key is safe.",
                        ProblemDetails.Unavailable("Order storage is temporarily unavailable; retry in 1 s. Repeating the request with the same orderId or Idempotency-Key is safe: it never places a second order.")),
                ]),
            new(GetOrder, "orders", "Read an order",
                "The order-views read model: status and timeline of every service's events. An order whose events have not reached the read model yet answers PROCESSING (eventual consistency).",
                [orderIdParameter],
                null,
                [
                    new HttpResponseDescription(200, "The order's view, or PROCESSING while its events are on their way.",
                        [new HttpBody("application/json", new JsonObject
                        {
                            ["oneOf"] = new JsonArray(HttpResponseDescription.SchemaRef("OrderView"), HttpResponseDescription.SchemaRef(nameof(OrderProcessing))),
                        })], [], []),
                    HttpResponseDescription.Problem("No order with this id.", OrderNotFound),
                    HttpResponseDescription.Problem("Order storage failed transiently.", unavailable),
                ]),
            new(SagaProgressFunction, "ops", "Read an order's saga",
                "Durable runtime status, current step, last reply and deadline of the current wait, and the outcome once completed.",
                [orderIdParameter with { Description = "The order id (the saga's instance id)." }],
                null,
                [
                    HttpResponseDescription.Json(200, "The saga's progress.", nameof(SagaProgress)),
                    HttpResponseDescription.Empty(404, "No saga for this order (not started yet, or purged); empty body."),
                ]),
        ];

        return new HttpApiDescription(operations, new Dictionary<string, JsonNode>
        {
            ["OrderPlacementRequest"] = PlacementRequestSchema(),
            [nameof(OrderAccepted)] = HttpApiDescription.SchemaOf(ApiJsonContext.Default.OrderAccepted),
            [nameof(OrderProcessing)] = HttpApiDescription.SchemaOf(ApiJsonContext.Default.OrderProcessing),
            ["OrderView"] = HttpApiDescription.SchemaOf(ApiJsonContext.Default.OrderViewDocument),
            // The Function App answers with OkObjectResult: ASP.NET Core's System.Text.Json with web defaults.
            [nameof(SagaProgress)] = HttpApiDescription.SchemaOf(JsonSerializerOptions.Web, typeof(SagaProgress)),
        });
    }

    /// <summary>
    /// The body PlaceOrderService accepts: the order.placed.v1 payload schema it validates against, with orderId optional
    /// (it is derived from the Idempotency-Key, or generated, when absent).
    /// </summary>
    private static JsonNode PlacementRequestSchema()
    {
        var schema = JsonNode.Parse(SchemaValidator.ReadSchemaText(MessageCatalog.Get(MessageTypes.OrderPlacedV1).SchemaName))!.AsObject();
        schema.Remove("$schema");
        schema.Remove("$id");
        schema["title"] = "Order placement request";
        schema["description"] = "The order.placed.v1 payload; orderId may be left out. Extra fields are ignored.";
        var required = schema["required"]!.AsArray();
        required.Remove(required.Single(r => (string?)r == "orderId"));
        return schema;
    }
}

using System.Text;
using System.Text.Json.Nodes;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using Xunit.Abstractions;

namespace AzureOrders.Core.Tests.Messaging;

/// <summary>Every poison message is dead-lettered at once with the reason an operator would expect; none reaches a handler.</summary>
public class PoisonCorpusTests(ITestOutputHelper output)
{
    private const string Placed = """
        {"eventId":"3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f","eventType":"order.placed.v1","timestamp":"2026-11-26T10:00:00Z",
         "correlationId":"7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f","source":"orders",
         "payload":{"orderId":"ord_123","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}}
        """;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Mutate(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(Placed)!.AsObject();
        change(node);
        return Utf8(node.ToJsonString());
    }

    private static JsonObject P(JsonObject o) => o["payload"]!.AsObject();
    private static JsonObject Line(JsonObject o) => P(o)["items"]![0]!.AsObject();

    public static TheoryData<string, byte[], string?, DeadLetterReason> Corpus() => new()
    {
        // Malformed: not a readable envelope
        { "empty body", [], null, DeadLetterReason.MalformedMessage },
        { "whitespace only", Utf8("   \n "), null, DeadLetterReason.MalformedMessage },
        { "plain text", Utf8("hello, I am not JSON"), null, DeadLetterReason.MalformedMessage },
        { "truncated JSON", Utf8(Placed[..80]), null, DeadLetterReason.MalformedMessage },
        { "trailing garbage", Utf8(Placed + " }x"), null, DeadLetterReason.MalformedMessage },
        { "invalid UTF-8", [.. Utf8("{\"eventId\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}")], null, DeadLetterReason.MalformedMessage },
        { "JSON array", Utf8("[" + Placed + "]"), null, DeadLetterReason.MalformedMessage },
        { "JSON string", Utf8("\"order.placed.v1\""), null, DeadLetterReason.MalformedMessage },
        { "JSON number", Utf8("42"), null, DeadLetterReason.MalformedMessage },
        { "JSON null", Utf8("null"), null, DeadLetterReason.MalformedMessage },
        { "nesting deeper than 32", Utf8(new string('[', 100) + new string(']', 100)), null, DeadLetterReason.MalformedMessage },
        { "oversized payload", Mutate(o => P(o)["note"] = new string('x', 70_000)), null, DeadLetterReason.MalformedMessage },
        { "Subject contradicts eventType", Utf8(Placed), "order.confirmed.v1", DeadLetterReason.MalformedMessage },
        // Unsupported: unknown type or version, or not this consumer's
        { "unknown type", Mutate(o => o["eventType"] = "order.shipped.v1"), null, DeadLetterReason.UnsupportedEventType },
        { "unknown version", Mutate(o => o["eventType"] = "order.placed.v3"), null, DeadLetterReason.UnsupportedEventType },
        { "another consumer's command", Mutate(o => o["eventType"] = "payment.capture.v1"), null, DeadLetterReason.UnsupportedEventType },
        // Schema: envelope
        { "missing eventId", Mutate(o => o.Remove("eventId")), null, DeadLetterReason.SchemaValidationFailed },
        { "eventId not a uuid", Mutate(o => o["eventId"] = "abc"), null, DeadLetterReason.SchemaValidationFailed },
        { "eventType not a string", Mutate(o => o["eventType"] = 5), null, DeadLetterReason.SchemaValidationFailed },
        { "eventType in capitals", Mutate(o => o["eventType"] = "Order.Placed.V1"), null, DeadLetterReason.SchemaValidationFailed },
        { "timestamp not a date-time", Mutate(o => o["timestamp"] = "yesterday"), null, DeadLetterReason.SchemaValidationFailed },
        { "missing correlationId", Mutate(o => o.Remove("correlationId")), null, DeadLetterReason.SchemaValidationFailed },
        { "missing payload", Mutate(o => o.Remove("payload")), null, DeadLetterReason.SchemaValidationFailed },
        { "payload is an array", Mutate(o => o["payload"] = new JsonArray()), null, DeadLetterReason.SchemaValidationFailed },
        // Schema: payload
        { "quantity as a string", Mutate(o => Line(o)["quantity"] = "2"), null, DeadLetterReason.SchemaValidationFailed },
        { "negative quantity", Mutate(o => Line(o)["quantity"] = -2), null, DeadLetterReason.SchemaValidationFailed },
        { "zero quantity", Mutate(o => Line(o)["quantity"] = 0), null, DeadLetterReason.SchemaValidationFailed },
        { "price with decimals", Mutate(o => Line(o)["priceInCents"] = 19.99), null, DeadLetterReason.SchemaValidationFailed },
        { "negative price", Mutate(o => Line(o)["priceInCents"] = -1999), null, DeadLetterReason.SchemaValidationFailed },
        { "missing customerId", Mutate(o => P(o).Remove("customerId")), null, DeadLetterReason.SchemaValidationFailed },
        { "missing totalInCents", Mutate(o => P(o).Remove("totalInCents")), null, DeadLetterReason.SchemaValidationFailed },
        { "no items", Mutate(o => P(o)["items"] = new JsonArray()), null, DeadLetterReason.SchemaValidationFailed },
        { "lower-case SKU", Mutate(o => Line(o)["sku"] = "widget-001"), null, DeadLetterReason.SchemaValidationFailed },
        { "orderId with a slash", Mutate(o => P(o)["orderId"] = "ord/123"), null, DeadLetterReason.SchemaValidationFailed },
        { "v2 with a lower-case currency", Mutate(o => { o["eventType"] = "order.placed.v2"; o["payload"] = JsonNode.Parse("""{"orderId":"ord_1","customerId":"c_1","items":[{"sku":"WIDGET-001","quantity":1,"unitPrice":{"amountInCents":5,"currency":"usd"}}],"total":{"amountInCents":5,"currency":"usd"}}"""); }), null, DeadLetterReason.SchemaValidationFailed },
        { "v1 payload under the v2 type", Mutate(o => o["eventType"] = "order.placed.v2"), null, DeadLetterReason.SchemaValidationFailed },
        { "reserve with an absurd quantity", Mutate(o => { o["eventType"] = "inventory.reserve.v1"; o["payload"] = JsonNode.Parse("""{"orderId":"ord_1","items":[{"sku":"WIDGET-001","quantity":100000}]}"""); }), null, DeadLetterReason.SchemaValidationFailed },
        // Invariants: schema-valid but impossible
        { "total differs from the lines", Mutate(o => P(o)["totalInCents"] = 3999), null, DeadLetterReason.InvariantViolated },
        { "the same SKU on two lines", Mutate(o => P(o)["items"]!.AsArray().Add(JsonNode.Parse("""{"sku":"WIDGET-001","quantity":1,"priceInCents":0}"""))), null, DeadLetterReason.InvariantViolated },
        { "v2 line currency differs from the total", Mutate(o => { o["eventType"] = "order.placed.v2"; o["payload"] = JsonNode.Parse("""{"orderId":"ord_1","customerId":"c_1","items":[{"sku":"WIDGET-001","quantity":1,"unitPrice":{"amountInCents":5,"currency":"EUR"}}],"total":{"amountInCents":5,"currency":"USD"}}"""); }), null, DeadLetterReason.InvariantViolated },
        { "reserve with the same SKU twice", Mutate(o => { o["eventType"] = "inventory.reserve.v1"; o["payload"] = JsonNode.Parse("""{"orderId":"ord_1","items":[{"sku":"WIDGET-001","quantity":1},{"sku":"WIDGET-001","quantity":2}]}"""); }), null, DeadLetterReason.InvariantViolated },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_poison_message_is_dead_lettered_with_its_reason(string name, byte[] body, string? subject, DeadLetterReason expected)
    {
        var handler = new StubHandler(MessageTypes.OrderPlacedV1, MessageTypes.OrderPlacedV2, MessageTypes.InventoryReserveV1);
        var pipeline = TestPipelines.Create("poison-test", handler);

        var settlement = await pipeline.ProcessAsync(new InboundMessage(body, Subject: subject), CancellationToken.None);

        var dead = Assert.IsType<Settlement.DeadLetter>(settlement);
        output.WriteLine($"{name,-40} -> {dead.ReasonCode}: {dead.Description}");
        Assert.Equal(expected, dead.Reason);
        Assert.False(string.IsNullOrWhiteSpace(dead.Description));
        Assert.True(dead.Properties.ContainsKey(DeadLetterProperties.Handler));
        Assert.True(dead.Properties.ContainsKey(DeadLetterProperties.Time));
        Assert.Empty(handler.Received);
    }

    [Fact]
    public void The_corpus_has_at_least_30_cases_and_covers_every_reason_the_pipeline_decides()
    {
        var corpus = Corpus().Select(row => (DeadLetterReason)row[3]).ToList();
        Assert.True(corpus.Count >= 30, $"{corpus.Count} cases");
        // RetriesExhausted is the dispatcher's, after the delayed retries; no single poison message causes it.
        Assert.Equal(Enum.GetValues<DeadLetterReason>().Where(r => r != DeadLetterReason.RetriesExhausted).Order(), corpus.Distinct().Order());
    }
}

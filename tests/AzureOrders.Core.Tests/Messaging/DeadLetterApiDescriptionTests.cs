using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using AzureOrders.Api;
using AzureOrders.DeadLetters;
using AzureOrders.Hosting;
using Json.Schema;

namespace AzureOrders.Core.Tests.Messaging;

/// <summary>
/// The dead-letter ops answers are written by hand (DeadLetterJson), so their OpenAPI schemas are too: these tests hold
/// real output against the described schemas and problems, so neither can change alone.
/// </summary>
public sealed class DeadLetterApiDescriptionTests
{
    private static readonly JsonObject Components = new() { ["components"] = new JsonObject { ["schemas"] = Schemas() } };
    private static readonly DateTimeOffset At = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    // The client connects on first use only; every answer below is decided before the explorer touches the broker.
    private static readonly DeadLetterApi Api = new(
        new DeadLetterExplorer(new ServiceBusClient("Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=k;SharedAccessKey=aw==;UseDevelopmentEmulator=true"), TimeProvider.System),
        TimeProvider.System);

    [Theory]
    [InlineData("{\"eventId\":\"5d1f0a5e-0000-4000-8000-000000000001\",\"eventType\":\"order.placed.v1\"}")]
    [InlineData("not json")]
    [InlineData(null)]
    public void A_dead_lettered_message_is_written_as_the_documented_DeadLetterMessage(string? body)
    {
        var bytes = body is null ? new byte[] { 0xff, 0xfe, 0x00 } : Encoding.UTF8.GetBytes(body);
        var message = new DeadLetterMessage("orders/saga", 42, "m-1", "order.placed.v1", "order.placed.v1", null, "c-1", "application/json",
            "SchemaViolation", "payload breaks its schema", 10, At, "orders/subscriptions/saga",
            new Dictionary<string, object> { ["eventType"] = "order.placed.v1", ["retryCount"] = 2, ["dlq-time"] = At },
            BinaryData.FromBytes(bytes));

        AssertMatches("DeadLetterMessage", DeadLetterJson.ToJsonLine(message));
        AssertMatches("DeadLetterMessageList", Encoding.UTF8.GetString(DeadLetterJson.ToUtf8(w => { w.WriteStartArray(); DeadLetterJson.WriteMessage(w, message); w.WriteEndArray(); })));
    }

    [Fact]
    public void Counts_and_audit_lines_are_written_as_documented()
    {
        var count = new DeadLetterCount("orders/saga", "orders/subscriptions/saga", "saga", 3, new Dictionary<string, int> { ["SchemaViolation"] = 3 }, At, At);
        AssertMatches("DeadLetterCounts", Encoding.UTF8.GetString(DeadLetterJson.ToUtf8(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total", 3);
            w.WriteStartArray("entities");
            DeadLetterJson.WriteCount(w, count);
            DeadLetterJson.WriteCount(w, count with { Count = 0, ByReason = new Dictionary<string, int>(), Oldest = null, Newest = null });
            w.WriteEndArray();
            w.WriteEndObject();
        })));

        foreach (var outcome in Enum.GetValues<AuditOutcome>())
        {
            var line = new AuditLine(At, DeadLetterExplorer.ResubmitOperation, "orders/saga", 42, "m-1", "order.placed.v1", "SchemaViolation", outcome, "orders/saga", "m-2", "boom");
            AssertMatches("DeadLetterAuditLine", Encoding.UTF8.GetString(DeadLetterJson.ToUtf8(w => DeadLetterJson.WriteAudit(w, line))));
        }
    }

    [Fact]
    public async Task The_problems_the_explorer_answers_are_the_documented_ones()
    {
        var none = new Dictionary<string, string?>();
        await AssertProblem(Api.ShowAsync("orders/nope", none, CancellationToken.None), DeadLetterApiDescription.UnknownEntity);
        await AssertProblem(Api.ListAsync(new Dictionary<string, string?> { ["max"] = "0" }, CancellationToken.None), DeadLetterApiDescription.InvalidFilter);
        await AssertProblem(Api.PurgeAsync("orders/saga", none, CancellationToken.None), DeadLetterApiDescription.ConfirmationRequired);
    }

    [Fact]
    public void Every_ops_operation_is_described_for_both_a_queue_and_a_subscription()
    {
        var names = HttpApi.Description.Operations.Select(o => o.FunctionName).Where(n => n.StartsWith("DeadLetters_", StringComparison.Ordinal)).ToList();
        foreach (var operation in new[] { "Show", "Export", "Resubmit", "Purge" })
        {
            Assert.Contains($"DeadLetters_{operation}_Queue", names);
            Assert.Contains($"DeadLetters_{operation}_Subscription", names);
        }
    }

    private static async Task AssertProblem(Task<ApiResponse> answer, ProblemDetails documented)
    {
        var response = await answer;
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(documented.Status, response.StatusCode);
        Assert.Equal(ProblemDetails.ContentType, response.ContentType);
        Assert.Equal(documented.Type, json.RootElement.GetProperty("type").GetString());
        Assert.Equal(documented.Title, json.RootElement.GetProperty("title").GetString());
        Assert.Equal(documented.Detail, json.RootElement.GetProperty("detail").GetString());
        AssertMatches(HttpApiDescription.ProblemSchema, Encoding.UTF8.GetString(response.Body));
    }

    private static void AssertMatches(string schemaName, string json)
    {
        var schema = JsonSchema.FromText(JsonRefs.StandaloneSchema(Components, new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" }),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var document = JsonDocument.Parse(json);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(result.IsValid, $"{schemaName}: {json}\n{string.Join("; ", result.Details?.SelectMany(d => d.Errors ?? new Dictionary<string, string>()).Select(e => e.Value) ?? [])}");
    }

    private static JsonObject Schemas()
    {
        var schemas = new JsonObject();
        foreach (var (name, schema) in HttpApi.Description.Schemas) schemas[name] = schema.DeepClone();
        return schemas;
    }
}

using System.Text.Json.Nodes;
using AzureOrders.Api;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>
/// The dead-letter explorer's ops routes as OpenAPI sees them. Each operation exists twice, for a queue and for a topic
/// subscription; the bodies are the ones <see cref="DeadLetterJson"/> writes (by hand, so their schemas are written
/// here beside it, and a test checks real output against them).
/// </summary>
public static class DeadLetterApiDescription
{
    private const string ProblemBase = "https://azureorders.example/problems/";

    public static readonly ProblemDetails UnknownEntity = new(ProblemBase + "unknown-entity", "No such subscription or queue", 404,
        new UnknownEntityException("orders/nope", [.. Topology.Default.Endpoints.Select(DeadLetterEntities.KeyOf)]).Message);

    public static readonly ProblemDetails InvalidFilter = new(ProblemBase + "invalid-filter", "Invalid query parameter", 400, DeadLetterApi.InvalidFilterDetail);

    public static readonly ProblemDetails ConfirmationRequired = new(ProblemBase + "confirmation-required", "Purge needs confirmation", 400,
        "Add confirm=true to delete, or dryRun=true to see what would be deleted.");

    public static HttpApiDescription Describe()
    {
        var operations = new List<HttpOperationDescription>
        {
            new("DeadLetters_List", "dead-letters", "Count dead-letters",
                "Dead-letter counts of every subscription and queue of the topology, by reason, with the oldest and newest enqueue time.",
                Filters(), null,
                [HttpResponseDescription.Json(200, "Counts per entity.", "DeadLetterCounts"), BadFilter()]),
        };
        foreach (var (suffix, what) in new[] { ("Queue", "a queue"), ("Subscription", "a topic subscription") })
        {
            operations.Add(new($"DeadLetters_Show_{suffix}", "dead-letters", $"Show the dead-letters of {what}",
                "The matching messages with broker metadata, dead-letter reason and body.", Filters(), null,
                [HttpResponseDescription.Json(200, "The matching messages.", "DeadLetterMessageList"), BadFilter(), NoEntity()]));
            operations.Add(new($"DeadLetters_Export_{suffix}", "dead-letters", $"Export the dead-letters of {what}",
                "The matching messages as NDJSON: one DeadLetterMessage object per line (metadata and body).", Filters(), null,
                [
                    new HttpResponseDescription(200, "One JSON object per line.",
                        [new HttpBody(DeadLetterApi.NdJson, new JsonObject
                        {
                            ["type"] = "string",
                            ["description"] = "Newline-delimited JSON; each line is a DeadLetterMessage.",
                            ["x-ndjson-item"] = HttpResponseDescription.SchemaRef("DeadLetterMessage"),
                        })], [], []),
                    BadFilter(), NoEntity(),
                ]));
            operations.Add(new($"DeadLetters_Resubmit_{suffix}", "dead-letters", $"Resubmit the dead-letters of {what}",
                "Sends each matching message back to its original consumer only (eventId kept), then removes it from the dead-letter queue. 200 even when some failed: the audit says which.",
                [.. Filters(), DryRun()], null,
                [HttpResponseDescription.Json(200, "One audit line per message.", "DeadLetterAudit"), BadFilter(), NoEntity()]));
            operations.Add(new($"DeadLetters_Purge_{suffix}", "dead-letters", $"Purge the dead-letters of {what}",
                "Deletes the matching messages. Needs confirm=true (or dryRun=true to see what would be deleted).",
                [.. Filters(), DryRun(), new HttpParameter("confirm", "query", "true to delete.", new JsonObject { ["type"] = "boolean" })], null,
                [
                    HttpResponseDescription.Json(200, "One audit line per message.", "DeadLetterAudit"),
                    HttpResponseDescription.Problem("An invalid filter, or neither confirm=true nor dryRun=true.", InvalidFilter, ConfirmationRequired),
                    NoEntity(),
                ]));
        }
        foreach (var i in Enumerable.Range(0, operations.Count))
            if (operations[i].FunctionName.EndsWith("_Subscription", StringComparison.Ordinal))
                operations[i] = operations[i] with
                {
                    Parameters = [Path("topic", "The topic (orders, inventory, payments, notifications)."), Path("subscription", "The subscription (saga, order-views, notifications)."), .. operations[i].Parameters],
                };
            else if (operations[i].FunctionName.EndsWith("_Queue", StringComparison.Ordinal))
                operations[i] = operations[i] with { Parameters = [Path("queue", "The queue (inventory-commands, payment-commands)."), .. operations[i].Parameters] };

        return new HttpApiDescription(operations, Schemas());
    }

    private static HttpResponseDescription BadFilter() => HttpResponseDescription.Problem("A query parameter is invalid.", InvalidFilter);

    private static HttpResponseDescription NoEntity() => HttpResponseDescription.Problem("The topology has no such subscription or queue.", UnknownEntity);

    private static HttpParameter Path(string name, string description) => new(name, "path", description, new JsonObject { ["type"] = "string" }, Required: true);

    private static HttpParameter DryRun() => new("dryRun", "query", "true: report what would happen, change nothing.", new JsonObject { ["type"] = "boolean" });

    private static HttpParameter[] Filters() =>
    [
        new("reason", "query", "Only this dead-letter reason (e.g. SchemaViolation, MaxDeliveryCountExceeded).", String()),
        new("eventType", "query", "Only this event type.", String()),
        new("messageId", "query", "Only this MessageId.", String()),
        new("since", "query", "Enqueued at or after: ISO-8601, or an age such as 30m, 2h, 7d.", String(), Example: "2h"),
        new("until", "query", "Enqueued before: ISO-8601, or an age.", String()),
        new("max", "query", "At most this many messages.", new JsonObject { ["type"] = "integer", ["minimum"] = 1 }),
    ];

    private static JsonObject String() => new() { ["type"] = "string" };

    private static JsonObject Nullable(string type, string? format = null)
    {
        var schema = new JsonObject { ["type"] = new JsonArray(type, "null") };
        if (format is not null) schema["format"] = format;
        return schema;
    }

    private static JsonObject Object(JsonObject properties, params string[] required) => new()
    {
        ["type"] = "object",
        ["properties"] = properties,
        ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
    };

    private static Dictionary<string, JsonNode> Schemas() => new()
    {
        ["DeadLetterCounts"] = Object(new JsonObject
        {
            ["total"] = new JsonObject { ["type"] = "integer" },
            ["entities"] = new JsonObject { ["type"] = "array", ["items"] = HttpResponseDescription.SchemaRef("DeadLetterCount") },
        }, "total", "entities"),
        ["DeadLetterCount"] = Object(new JsonObject
        {
            ["entity"] = new JsonObject { ["type"] = "string", ["description"] = "topic/subscription or queue." },
            ["path"] = new JsonObject { ["type"] = "string", ["description"] = "The Service Bus entity path." },
            ["consumer"] = String(),
            ["count"] = new JsonObject { ["type"] = "integer" },
            ["byReason"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "integer" } },
            ["oldest"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["newest"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        }, "entity", "path", "consumer", "count", "byReason"),
        ["DeadLetterMessageList"] = new JsonObject { ["type"] = "array", ["items"] = HttpResponseDescription.SchemaRef("DeadLetterMessage") },
        ["DeadLetterMessage"] = Object(new JsonObject
        {
            ["entity"] = String(),
            ["sequenceNumber"] = new JsonObject { ["type"] = "integer", ["description"] = "In the dead-letter queue: what resubmit and purge act on." },
            ["messageId"] = Nullable("string"),
            ["subject"] = Nullable("string"),
            ["eventType"] = Nullable("string"),
            ["eventId"] = Nullable("string"),
            ["correlationId"] = Nullable("string"),
            ["contentType"] = Nullable("string"),
            ["reason"] = Nullable("string"),
            ["description"] = Nullable("string"),
            ["deliveryCount"] = new JsonObject { ["type"] = "integer" },
            ["enqueuedTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["deadLetterSource"] = Nullable("string"),
            ["applicationProperties"] = new JsonObject { ["type"] = "object", ["description"] = "AMQP application properties as JSON values." },
            ["body"] = new JsonObject { ["description"] = "The body, when it is JSON (usually the envelope)." },
            ["bodyText"] = new JsonObject { ["type"] = "string", ["description"] = "The body, when it is UTF-8 but not JSON." },
            ["bodyBase64"] = new JsonObject { ["type"] = "string", ["contentEncoding"] = "base64", ["description"] = "The body, otherwise." },
        }, "entity", "sequenceNumber", "messageId", "subject", "eventType", "eventId", "correlationId", "contentType", "reason", "description",
           "deliveryCount", "enqueuedTime", "deadLetterSource", "applicationProperties"),
        ["DeadLetterAudit"] = Object(new JsonObject
        {
            ["dryRun"] = new JsonObject { ["type"] = "boolean" },
            ["count"] = new JsonObject { ["type"] = "integer" },
            ["failed"] = new JsonObject { ["type"] = "integer" },
            ["audit"] = new JsonObject { ["type"] = "array", ["items"] = HttpResponseDescription.SchemaRef("DeadLetterAuditLine") },
        }, "dryRun", "count", "failed", "audit"),
        ["DeadLetterAuditLine"] = Object(new JsonObject
        {
            ["time"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["operation"] = new JsonObject { ["enum"] = new JsonArray(DeadLetterExplorer.ResubmitOperation, DeadLetterExplorer.PurgeOperation) },
            ["entity"] = String(),
            ["sequenceNumber"] = new JsonObject { ["type"] = "integer" },
            ["messageId"] = Nullable("string"),
            ["eventType"] = Nullable("string"),
            ["reason"] = Nullable("string"),
            ["outcome"] = new JsonObject { ["enum"] = new JsonArray([.. Enum.GetValues<AuditOutcome>().Select(o => (JsonNode)new AuditLine(default, "", "", 0, null, null, null, o).OutcomeCode)]) },
            ["target"] = String(),
            ["newMessageId"] = String(),
            ["error"] = String(),
        }, "time", "operation", "entity", "sequenceNumber", "messageId", "eventType", "reason", "outcome"),
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AzureOrders.Functions.Tests.ApiDocs;

/// <summary>Checks a real answer of a function against what docs/openapi.json promises for that operation and status.</summary>
public static class OpenApiConformance
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    public static JsonObject OperationOf(string functionName) =>
        OpenApiDocumentTests.Document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value!.AsObject()))
            .Single(o => (string?)o["operationId"] == functionName);

    public static void AssertDocumented(string functionName, int status, string? contentType, string body, IReadOnlyDictionary<string, string?>? headers = null)
    {
        var response = OperationOf(functionName)["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        Assert.True(response is not null, $"{functionName} answered {status}, which docs/openapi.json does not document.");

        foreach (var (name, _) in response!["headers"]?.AsObject() ?? [])
            Assert.True(headers?.GetValueOrDefault(name) is { Length: > 0 }, $"{functionName} {status}: documented header {name} is missing.");

        if (response["content"] is not JsonObject content)
        {
            Assert.True(body.Length == 0, $"{functionName} {status}: documented without a body, answered '{body}'.");
            return;
        }
        var mediaType = contentType?.Split(';')[0].Trim();
        Assert.True(mediaType is not null && content.ContainsKey(mediaType), $"{functionName} {status}: content type '{contentType}' is not documented ({string.Join(", ", content.Select(c => c.Key))}).");

        using var json = JsonDocument.Parse(body);
        var schema = JsonSchema.FromText(JsonRefs.StandaloneSchema(OpenApiDocumentTests.Document, content[mediaType!]!["schema"]!),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var result = schema.Evaluate(json.RootElement, Options);
        Assert.True(result.IsValid, $"{functionName} {status}: the body does not match its documented schema: {string.Join("; ", Errors(result))}\n{body}");

        if (response["x-problem-types"] is JsonArray types)
        {
            var type = json.RootElement.GetProperty("type").GetString();
            Assert.True(types.Any(t => (string?)t == type), $"{functionName} {status}: problem type {type} is not among the documented {types.ToJsonString()}.");
        }
    }

    public static bool IsValidAgainst(string schemaName, string json)
    {
        using var document = JsonDocument.Parse(json);
        var schema = JsonSchema.FromText(JsonRefs.StandaloneSchema(OpenApiDocumentTests.Document, new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" }),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        return schema.Evaluate(document.RootElement, Options).IsValid;
    }

    private static IEnumerable<string> Errors(EvaluationResults results) =>
        (results.Errors?.Select(e => $"{results.InstanceLocation}: {e.Value}") ?? [])
            .Concat(results.Details?.SelectMany(Errors) ?? []);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace AzureOrders.Api;

/// <summary>Who may call a route: the Functions host's authorization levels.</summary>
public enum HttpAuthorization { Anonymous, Function, Admin }

/// <summary>One route as a host declares it (the Function App: its [HttpTrigger] attributes). Template without the "api/" prefix.</summary>
public sealed record HttpRoute(string FunctionName, string Method, string Template, HttpAuthorization Authorization);

/// <param name="Location">"path", "query" or "header".</param>
public sealed record HttpParameter(string Name, string Location, string Description, JsonObject Schema, bool Required = false, JsonNode? Example = null);

/// <param name="Schema">A JSON Schema, usually a reference such as <c>{"$ref": "#/components/schemas/OrderView"}</c>.</param>
public sealed record HttpBody(string MediaType, JsonNode Schema, JsonNode? Example = null);

public sealed record HttpHeader(string Name, string Description, JsonObject Schema);

/// <summary>One documented answer of an operation.</summary>
/// <param name="Problems">For problem-details answers: every problem the code can answer with this status (types, titles, examples).</param>
public sealed record HttpResponseDescription(
    int Status,
    string Description,
    IReadOnlyList<HttpBody> Content,
    IReadOnlyList<HttpHeader> Headers,
    IReadOnlyList<ProblemDetails> Problems)
{
    public static HttpResponseDescription Json(int status, string description, string schemaName, params HttpHeader[] headers) =>
        new(status, description, [new HttpBody("application/json", SchemaRef(schemaName))], headers, []);

    public static HttpResponseDescription Empty(int status, string description) => new(status, description, [], [], []);

    /// <summary>
    /// An application/problem+json answer made of the problems the code builds (their type and title come from the
    /// <see cref="ProblemDetails"/> factories); 503 and 429 answers carry Retry-After, as <see cref="ApiResponse"/> writes it.
    /// </summary>
    public static HttpResponseDescription Problem(string description, params ProblemDetails[] problems)
    {
        if (problems.Length == 0 || problems.Any(p => p.Status != problems[0].Status))
            throw new ArgumentException("A problem response needs at least one problem, all of one status.", nameof(problems));
        var status = problems[0].Status;
        HttpHeader[] headers = status is 503 or 429
            ? [new HttpHeader("Retry-After", "Seconds to wait before retrying (delay-seconds form).", new JsonObject { ["type"] = "integer", ["minimum"] = 1 })]
            : [];
        return new(status, description, [new HttpBody(ProblemDetails.ContentType, SchemaRef(HttpApiDescription.ProblemSchema))], headers, problems);
    }

    public static JsonObject SchemaRef(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };
}

/// <summary>What one function does, keyed by its function name; the route, method and authorization come from the host.</summary>
public sealed record HttpOperationDescription(
    string FunctionName,
    string Tag,
    string Summary,
    string Description,
    IReadOnlyList<HttpParameter> Parameters,
    HttpBody? RequestBody,
    IReadOnlyList<HttpResponseDescription> Responses);

/// <summary>
/// The HTTP API as the code describes it: each area (orders, dead-letters, ...) lists its operations and names the
/// schemas of its bodies, built from the records it serializes where there are records. <see cref="OpenApiDocument"/>
/// turns it, together with the host's routes, into docs/openapi.json.
/// </summary>
public sealed record HttpApiDescription(IReadOnlyList<HttpOperationDescription> Operations, IReadOnlyDictionary<string, JsonNode> Schemas)
{
    public const string ProblemSchema = "ProblemDetails";

    private static readonly JsonSchemaExporterOptions Exporter = new() { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = AsWritten };

    private static readonly HashSet<Type> Numbers = [typeof(int), typeof(long), typeof(short), typeof(byte), typeof(uint), typeof(ulong), typeof(double), typeof(float), typeof(decimal)];

    public static HttpApiDescription Combine(params HttpApiDescription[] parts)
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            [ProblemSchema] = SchemaOf(ProblemJsonContext.Default.ProblemDetails),
        };
        foreach (var part in parts)
            foreach (var (name, schema) in part.Schemas)
                if (!schemas.TryAdd(name, schema)) throw new InvalidOperationException($"Schema '{name}' is described twice.");
        var operations = parts.SelectMany(p => p.Operations).ToList();
        foreach (var dup in operations.GroupBy(o => o.FunctionName).Where(g => g.Count() > 1))
            throw new InvalidOperationException($"Function '{dup.Key}' is described twice.");
        return new HttpApiDescription(operations, schemas);
    }

    /// <summary>The JSON Schema of what a source-generated (or reflection) contract serializes, as System.Text.Json sees it.</summary>
    public static JsonNode SchemaOf(JsonTypeInfo typeInfo) => JsonSchemaExporter.GetJsonSchemaAsNode(typeInfo, Exporter);

    public static JsonNode SchemaOf(JsonSerializerOptions options, Type type) => JsonSchemaExporter.GetJsonSchemaAsNode(options, type, Exporter);

    /// <summary>
    /// The exporter describes what the serializer READS; a response schema must say what it WRITES. Web defaults read
    /// numbers from strings too (so the exporter allows "string" with a digits pattern), and with WhenWritingNull a null
    /// property is left out rather than written, so it cannot be required.
    /// </summary>
    private static JsonNode AsWritten(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject node) return schema;
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        if (Numbers.Contains(type) && node["type"] is JsonArray types && types.Any(t => (string?)t == "string"))
        {
            var kept = types.Select(t => (string?)t).Where(t => t != "string").ToList();
            node["type"] = kept.Count == 1 ? kept[0] : new JsonArray([.. kept.Select(t => (JsonNode?)t)]);
            node.Remove("pattern");
        }
        if (context.PropertyInfo is null && context.TypeInfo.Kind == JsonTypeInfoKind.Object &&
            context.TypeInfo.Options.DefaultIgnoreCondition == System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull &&
            node["required"] is JsonArray required && node["properties"] is JsonObject properties)
        {
            var always = required.Select(r => (string)r!).Where(r => !(properties[r]?["type"] is JsonArray t && t.Any(x => (string?)x == "null"))).ToList();
            if (always.Count == 0) node.Remove("required");
            else node["required"] = new JsonArray([.. always.Select(r => (JsonNode)r)]);
        }
        return node;
    }

    /// <summary>The body of a problem as the API writes it (for examples), with a trace id as a request would have one.</summary>
    public static JsonNode ProblemJson(ProblemDetails problem) =>
        JsonSerializer.SerializeToNode(problem with { TraceId = problem.TraceId ?? ExampleTraceId }, ProblemJsonContext.Default.ProblemDetails)!;

    /// <summary>W3C's own example trace id: what operation_Id would be in Application Insights.</summary>
    public const string ExampleTraceId = "0af7651916cd43dd8448eb211c80319c";
}

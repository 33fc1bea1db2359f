using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzureOrders.Api;

/// <summary>
/// Generates docs/openapi.json (OpenAPI 3.1) from the host's routes (the Function App's [HttpTrigger] attributes:
/// method, route, authorization level) and the code's <see cref="HttpApiDescription"/> (operations, answers, the
/// schemas of the records it serializes). A route without a description, or a description without a route, is an
/// error: the document lists exactly what the host serves.
/// </summary>
public static partial class OpenApiDocument
{
    public const string Version = "3.1.0";

    /// <summary>The Functions host's default route prefix (host.json leaves it as is).</summary>
    public const string RoutePrefix = "api";

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        // '+' in media types stays readable; the file is documentation, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] MethodOrder = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static string Generate(IEnumerable<HttpRoute> routes, HttpApiDescription api)
    {
        var routeList = routes.ToList();
        var byName = api.Operations.ToDictionary(o => o.FunctionName, StringComparer.Ordinal);
        var undescribed = routeList.Where(r => !byName.ContainsKey(r.FunctionName)).Select(r => r.FunctionName).Distinct().ToList();
        if (undescribed.Count > 0)
            throw new InvalidOperationException($"HTTP function(s) {string.Join(", ", undescribed)} have no HttpOperationDescription; describe them beside the code that answers them.");
        var unrouted = api.Operations.Where(o => routeList.All(r => r.FunctionName != o.FunctionName)).Select(o => o.FunctionName).ToList();
        if (unrouted.Count > 0)
            throw new InvalidOperationException($"Described operation(s) {string.Join(", ", unrouted)} have no HTTP route in the host.");

        var paths = new JsonObject();
        foreach (var group in routeList.GroupBy(r => PathOf(r.Template)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var item = new JsonObject();
            foreach (var route in group.OrderBy(r => Array.IndexOf(MethodOrder, r.Method.ToLowerInvariant())))
                item[route.Method.ToLowerInvariant()] = Operation(route, byName[route.FunctionName]);
            paths[group.Key] = item;
        }

        var schemas = new JsonObject();
        foreach (var (name, schema) in api.Schemas.OrderBy(s => s.Key, StringComparer.Ordinal)) schemas[name] = schema.DeepClone();

        var document = new JsonObject
        {
            ["openapi"] = Version,
            ["info"] = new JsonObject
            {
                ["title"] = "AzureOrders HTTP API",
                ["version"] = "1.0.0",
                ["summary"] = "Place and read orders; operate dead-letters and sagas.",
                ["description"] = string.Join("\n",
                    "The Function App's HTTP functions. Generated from their [HttpTrigger] attributes (routes, methods, authorization",
                    "levels) and the descriptions in functions/AzureOrders.Core (OrdersApiDescription, DeadLetterApiDescription,",
                    "HttpApi), whose schemas come from the records the API serializes and the order.placed.v1 JSON Schema. Do not edit by",
                    "hand: run `AZUREORDERS_UPDATE_API_DOCS=1 dotnet test tests/AzureOrders.Functions.Tests --filter OpenApi`.",
                    "",
                    "Errors are RFC 7807 problem details (application/problem+json) with a traceId: the request's W3C trace id, which is",
                    "operation_Id in Application Insights. The local runner (AzureOrders.LocalHost) serves health and the orders routes",
                    "with the same answers; `func start` serves all routes. Neither checks keys."),
            },
            ["servers"] = new JsonArray(
                new JsonObject
                {
                    ["url"] = "https://{app}.azurewebsites.net/" + RoutePrefix,
                    ["description"] = "The Function App in Azure (azd output SERVICE_API_URI).",
                    ["variables"] = new JsonObject { ["app"] = new JsonObject { ["default"] = "your-function-app", ["description"] = "The Function App name (AZURE_FUNCTION_APP_NAME)." } },
                },
                new JsonObject { ["url"] = "http://127.0.0.1:7071/" + RoutePrefix, ["description"] = "Local: `func start` or the local runner." }),
            ["tags"] = new JsonArray([.. api.Operations.Select(o => o.Tag).Distinct().Select(t => (JsonNode)new JsonObject { ["name"] = t })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = SecuritySchemes(),
            },
        };
        return document.ToJsonString(Output) + "\n";
    }

    /// <summary>"orders/{orderId}" becomes "/orders/{orderId}"; route constraints and optional markers are dropped.</summary>
    public static string PathOf(string template) =>
        "/" + RouteParameter().Replace(template.Trim('/'), m => "{" + m.Groups["name"].Value + "}");

    public static IReadOnlyList<string> PathParameters(string template) =>
        [.. RouteParameter().Matches(template).Select(m => m.Groups["name"].Value)];

    private static JsonObject Operation(HttpRoute route, HttpOperationDescription description)
    {
        var operation = new JsonObject
        {
            ["operationId"] = route.FunctionName,
            ["tags"] = new JsonArray(description.Tag),
            ["summary"] = description.Summary,
            ["description"] = description.Description,
        };

        var parameters = new JsonArray();
        foreach (var name in PathParameters(route.Template))
        {
            var documented = description.Parameters.FirstOrDefault(p => p.Location == "path" && p.Name == name);
            parameters.Add(Parameter(documented ?? new HttpParameter(name, "path", $"The {name}.", new JsonObject { ["type"] = "string" }), required: true));
        }
        var stray = description.Parameters.Where(p => p.Location == "path" && !PathParameters(route.Template).Contains(p.Name)).ToList();
        if (stray.Count > 0)
            throw new InvalidOperationException($"{route.FunctionName}: path parameter(s) {string.Join(", ", stray.Select(p => p.Name))} are not in route '{route.Template}'.");
        foreach (var p in description.Parameters.Where(p => p.Location != "path")) parameters.Add(Parameter(p, p.Required));
        if (parameters.Count > 0) operation["parameters"] = parameters;

        if (description.RequestBody is { } body)
            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Content([body]) };

        var responses = new JsonObject();
        foreach (var response in description.Responses.OrderBy(r => r.Status))
        {
            var key = response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (responses.ContainsKey(key)) throw new InvalidOperationException($"{route.FunctionName}: status {key} is described twice.");
            responses[key] = Response(response);
        }
        if (route.Authorization != HttpAuthorization.Anonymous && !responses.ContainsKey("401"))
            responses["401"] = new JsonObject { ["description"] = route.Authorization == HttpAuthorization.Admin
                ? "No valid master key (Azure only: the host checks keys before the function runs; empty body)."
                : "No valid function key (Azure only: the host checks keys before the function runs; empty body)." };
        operation["responses"] = Sorted(responses);

        operation["security"] = route.Authorization switch
        {
            HttpAuthorization.Anonymous => new JsonArray(),
            HttpAuthorization.Function => new JsonArray(Requirement("functionKey"), Requirement("functionKeyQuery"), Requirement("masterKey"), Requirement("masterKeyQuery")),
            _ => new JsonArray(Requirement("masterKey"), Requirement("masterKeyQuery")),
        };
        operation["x-azure-functions"] = new JsonObject
        {
            ["function"] = route.FunctionName,
            ["authLevel"] = route.Authorization.ToString(),
            ["route"] = route.Template,
        };
        return operation;
    }

    private static JsonObject Parameter(HttpParameter p, bool required)
    {
        var node = new JsonObject
        {
            ["name"] = p.Name,
            ["in"] = p.Location,
            ["description"] = p.Description,
            ["required"] = required,
            ["schema"] = p.Schema.DeepClone(),
        };
        if (p.Example is not null) node["example"] = p.Example.DeepClone();
        return node;
    }

    private static JsonObject Response(HttpResponseDescription response)
    {
        var node = new JsonObject { ["description"] = response.Description };
        if (response.Headers.Count > 0)
        {
            var headers = new JsonObject();
            foreach (var h in response.Headers) headers[h.Name] = new JsonObject { ["description"] = h.Description, ["schema"] = h.Schema.DeepClone() };
            node["headers"] = headers;
        }
        if (response.Content.Count > 0)
        {
            var content = Content(response.Content);
            if (response.Problems.Count > 0)
            {
                var examples = new JsonObject();
                foreach (var problem in response.Problems)
                {
                    var key = problem.Type[(problem.Type.LastIndexOf('/') + 1)..];
                    examples[key] = new JsonObject { ["summary"] = problem.Title, ["value"] = HttpApiDescription.ProblemJson(problem) };
                }
                foreach (var (_, media) in content) media!["examples"] = examples.DeepClone();
                node["x-problem-types"] = new JsonArray([.. response.Problems.Select(p => (JsonNode)p.Type).Distinct()]);
            }
            node["content"] = content;
        }
        return node;
    }

    private static JsonObject Content(IEnumerable<HttpBody> contents)
    {
        var node = new JsonObject();
        foreach (var c in contents)
        {
            var media = new JsonObject { ["schema"] = c.Schema.DeepClone() };
            if (c.Example is not null) media["example"] = c.Example.DeepClone();
            node[c.MediaType] = media;
        }
        return node;
    }

    private static JsonObject Sorted(JsonObject responses)
    {
        var sorted = new JsonObject();
        foreach (var key in responses.Select(r => r.Key).OrderBy(k => k, StringComparer.Ordinal).ToList())
        {
            var value = responses[key];
            responses.Remove(key);
            sorted[key] = value;
        }
        return sorted;
    }

    private static JsonObject Requirement(string scheme) => new() { [scheme] = new JsonArray() };

    private static JsonObject SecuritySchemes()
    {
        const string Function = "A function key of the Function App (or its default host key): `az functionapp function keys list` / `az functionapp keys list`.";
        const string Master = "The Function App's master key (`_master` in `az functionapp keys list`): ops routes are Admin-level.";
        return new JsonObject
        {
            ["functionKey"] = ApiKey("header", "x-functions-key", Function),
            ["functionKeyQuery"] = ApiKey("query", "code", Function),
            ["masterKey"] = ApiKey("header", "x-functions-key", Master),
            ["masterKeyQuery"] = ApiKey("query", "code", Master),
        };
    }

    private static JsonObject ApiKey(string location, string name, string description) =>
        new() { ["type"] = "apiKey", ["in"] = location, ["name"] = name, ["description"] = description };

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::[^}?]*)?\??\}")]
    private static partial Regex RouteParameter();
}

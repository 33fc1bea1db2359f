using System.Reflection;
using System.Text.Json.Nodes;
using AzureOrders.Api;
using AzureOrders.Hosting;
using Microsoft.OpenApi;
using OpenApiDocument = AzureOrders.Api.OpenApiDocument;
using OpenApiModel = Microsoft.OpenApi.OpenApiDocument;

namespace AzureOrders.Functions.Tests.ApiDocs;

/// <summary>
/// docs/openapi.json is generated from the Function App's [HttpTrigger] attributes and Core's API descriptions; these
/// tests keep the committed file current and check that it is a valid OpenAPI document that lists exactly what the host serves.
/// </summary>
public sealed class OpenApiDocumentTests
{
    public const string File = "docs/openapi.json";
    public const string Regenerate = $"{GeneratedDocs.UpdateVariable}=1 dotnet test tests/AzureOrders.Functions.Tests --filter OpenApi";

    private static readonly string Generated = HttpApi.OpenApi(HttpTriggers.Routes);
    public static readonly JsonObject Document = JsonNode.Parse(Generated)!.AsObject();

    [Fact]
    public void The_openapi_document_matches_the_http_functions_and_their_descriptions() =>
        GeneratedDocs.AssertCurrent(File, Generated, Regenerate);

    [Fact]
    public void The_document_parses_as_openapi_3_1_without_errors_or_warnings()
    {
        var (document, diagnostic) = OpenApiModel.Parse(Generated, "json");

        Assert.NotNull(document);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic!.SpecificationVersion);
        Assert.True(diagnostic.Errors.Count == 0, "Errors: " + string.Join("; ", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.True(diagnostic.Warnings.Count == 0, "Warnings: " + string.Join("; ", diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}")));
        var validation = document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(validation.Count == 0, "Validation: " + string.Join("; ", validation.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(HttpTriggers.Routes.Count, document.Paths.Sum(p => p.Value.Operations?.Count ?? 0));
    }

    [Fact]
    public void Every_http_trigger_of_the_function_app_is_an_operation_and_nothing_else_is()
    {
        var documented = Document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} /api{p.Key} {o.Value!["operationId"]}"))
            .Order().ToList();
        var served = HttpTriggers.Routes.Select(r => $"{r.Method} /api{OpenApiDocument.PathOf(r.Template)} {r.FunctionName}").Order().ToList();

        Assert.NotEmpty(served);
        Assert.Equal(served, documented);
        Assert.Contains("POST /api/orders PlaceOrder", served);
        Assert.Contains("GET /api/orders/{orderId} GetOrder", served);
        Assert.Contains("GET /api/health Health", served);
    }

    [Fact]
    public void Function_level_routes_need_a_function_key_admin_routes_the_master_key_and_health_nothing()
    {
        foreach (var route in HttpTriggers.Routes)
        {
            var operation = Operation(route);
            var schemes = operation["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).ToList();
            switch (route.Authorization)
            {
                case HttpAuthorization.Anonymous:
                    Assert.Empty(schemes);
                    break;
                case HttpAuthorization.Function:
                    Assert.Contains("functionKey", schemes);
                    Assert.Contains("functionKeyQuery", schemes);
                    Assert.NotNull(operation["responses"]!["401"]);
                    break;
                default:
                    Assert.Equal(["masterKey", "masterKeyQuery"], schemes);
                    Assert.StartsWith("ops/", route.Template, StringComparison.Ordinal);
                    break;
            }
        }
        var schemesDeclared = Document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("x-functions-key", (string?)schemesDeclared["functionKey"]!["name"]);
        Assert.Equal("code", (string?)schemesDeclared["functionKeyQuery"]!["name"]);
    }

    [Fact]
    public void The_servers_are_the_function_app_in_azure_and_the_local_runner()
    {
        var urls = Document["servers"]!.AsArray().Select(s => (string?)s!["url"]).ToList();
        Assert.Equal(["https://{app}.azurewebsites.net/api", "http://127.0.0.1:7071/api"], urls);
    }

    [Fact]
    public void Every_reference_resolves()
    {
        var references = JsonRefs.All(Document).ToList();
        Assert.NotEmpty(references);
        var dangling = references.Where(r => JsonRefs.Resolve(Document, r.Ref) is null).Select(r => $"{r.Location} -> {r.Ref}").ToList();
        Assert.True(dangling.Count == 0, "Dangling references: " + string.Join(", ", dangling));
    }

    [Fact]
    public void Every_problem_the_api_can_build_is_documented_on_some_operation()
    {
        // A ProblemDetails factory exists because some answer uses it: a new one (415, 428, ...) must show up in the
        // description beside the code that answers it, or this fails.
        var documented = Document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject())
            .SelectMany(o => o.Value!["responses"]!.AsObject())
            .SelectMany(r => (r.Value!["x-problem-types"]?.AsArray() ?? []).Select(t => $"{r.Key} {t}"))
            .ToHashSet();

        var factories = typeof(ProblemDetails).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(ProblemDetails)).ToList();
        Assert.NotEmpty(factories);
        foreach (var factory in factories)
        {
            var problem = (ProblemDetails)factory.Invoke(null, [.. factory.GetParameters().Select(Dummy)])!;
            Assert.True(documented.Contains($"{problem.Status} {problem.Type}"),
                $"ProblemDetails.{factory.Name} ({problem.Status} {problem.Type}) is in no documented response; add it to the operation's description in Core and regenerate ({Regenerate}).");
        }
    }

    private static object? Dummy(ParameterInfo parameter) =>
        parameter.ParameterType == typeof(string) ? "x" : parameter.HasDefaultValue ? parameter.DefaultValue : null;

    internal static JsonNode Operation(HttpRoute route) =>
        Document["paths"]![OpenApiDocument.PathOf(route.Template)]![route.Method.ToLowerInvariant()]!;
}

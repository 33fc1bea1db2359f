using System.Text.Json.Nodes;
using AzureOrders.Api;
using AzureOrders.DeadLetters;
using AzureOrders.Orders;

namespace AzureOrders.Hosting;

/// <summary>Every HTTP operation the hosts serve, described once (the composition root knows every area).</summary>
public static class HttpApi
{
    public const string HealthFunction = "Health";

    public static HttpApiDescription Description { get; } = HttpApiDescription.Combine(
        OrdersApiDescription.Describe(),
        DeadLetterApiDescription.Describe(),
        new HttpApiDescription(
            [
                new HttpOperationDescription(HealthFunction, "health", "Liveness",
                    "For load balancers and smoke tests (the azd postdeploy hook calls it). Anonymous: it reveals nothing.",
                    [], null,
                    [HttpResponseDescription.Json(200, "The app is up.", "Health")]),
            ],
            new Dictionary<string, JsonNode>
            {
                ["Health"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject { ["status"] = new JsonObject { ["const"] = "healthy" } },
                    ["required"] = new JsonArray("status"),
                },
            }));

    /// <summary>docs/openapi.json for a host's routes.</summary>
    public static string OpenApi(IEnumerable<HttpRoute> routes) => OpenApiDocument.Generate(routes, Description);
}

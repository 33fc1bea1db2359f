using AzureOrders.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AzureOrders.Functions.Http;

internal static class HttpBodies
{
    public static IActionResult ToResult(ApiResponse response, HttpResponse httpResponse)
    {
        if (response.Location is { } location) httpResponse.Headers.Location = location;
        return new StatusBodyResult(response);
    }

    /// <summary>Writes status, content type and body as the API decided them (ContentResult would re-encode).</summary>
    private sealed class StatusBodyResult(ApiResponse response) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var http = context.HttpContext.Response;
            http.StatusCode = response.StatusCode;
            http.ContentType = response.ContentType;
            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body, context.HttpContext.RequestAborted);
        }
    }
}

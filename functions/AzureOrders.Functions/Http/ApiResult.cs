using System.Globalization;
using AzureOrders.Api;
using Microsoft.AspNetCore.Mvc;

namespace AzureOrders.Functions.Http;

/// <summary>
/// Writes status, Location, Retry-After, content type and body exactly as Core's host-agnostic APIs decided them
/// (ContentResult would re-encode the body). Every HTTP function of the app answers through it.
/// </summary>
public sealed class ApiResult(ApiResponse response) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext.Response;
        http.StatusCode = response.StatusCode;
        http.ContentType = response.ContentType;
        if (response.Location is { } location) http.Headers.Location = location;
        if (response.RetryAfterSeconds is { } seconds) http.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.ContentLength = response.Body.Length;
        await http.Body.WriteAsync(response.Body, context.HttpContext.RequestAborted);
    }
}

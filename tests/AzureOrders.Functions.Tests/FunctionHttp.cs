using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// HTTP functions called with a real HttpContext, their IActionResult executed by ASP.NET Core the way the worker's
/// ASP.NET Core integration executes it, so status, headers and body are read from the response.
/// </summary>
public static class FunctionHttp
{
    public static DefaultHttpContext NewContext(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>Runs the result against the context's response and rewinds its body for reading.</summary>
    public static async Task<HttpResponse> ExecuteAsync(HttpContext context, IActionResult result)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        return context.Response;
    }
}

using System.Text;
using System.Text.Json;
using AzureOrders.Functions.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Admin.Tests;

/// <summary>
/// The Function App's ops/deadletters functions, resolved from its own registration (the line in Program.cs) and
/// called with a real HttpContext; their results executed as the worker's ASP.NET Core integration does.
/// </summary>
public sealed class OpsFunctionTests
{
    private sealed record Response(int Status, string ContentType, string Body);

    [Fact]
    public async Task The_ops_functions_list_show_export_and_resubmit_a_subscription_dead_letter_to_that_subscription_only()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.PublishAsync(TestEvents.OrderPlaced("ord_ops_1"));
        await broker.DeadLetterNextAsync("orders/notifications", "MaxDeliveryCountExceeded", "transient");
        await broker.DrainAsync("orders/saga");
        await broker.DrainAsync("orders/order-views");
        var services = new ServiceCollection().AddSingleton(broker.Client).AddSingleton(TimeProvider.System).AddLogging();
        services.AddSingleton(AzureOrders.Messaging.Topology.Default).AddDeadLetterExplorer();
        await using var provider = services.BuildServiceProvider();
        var api = provider.GetRequiredService<DeadLetterApi>();
        var ct = CancellationToken.None;

        var list = await Execute("", request => new DeadLetterListFunction(api).List(request, ct));
        var show = await Execute("?reason=MaxDeliveryCountExceeded", request => new DeadLetterShowFunctions(api).Subscription(request, "orders", "notifications", ct));
        var export = await Execute("", request => new DeadLetterExportFunctions(api).Subscription(request, "orders", "notifications", ct));
        var unknownQueue = await Execute("", request => new DeadLetterShowFunctions(api).Queue(request, "orders", ct));
        var dryRun = await Execute("?dryRun=true", request => new DeadLetterResubmitFunctions(api).Subscription(request, "orders", "notifications", ct));
        Assert.Single(await broker.PeekAsync("orders/notifications", deadLetter: true));
        var resubmit = await Execute("", request => new DeadLetterResubmitFunctions(api).Subscription(request, "orders", "notifications", ct));

        Assert.Equal(200, list.Status);
        Assert.Equal(1, JsonDocument.Parse(list.Body).RootElement.GetProperty("total").GetInt32());
        Assert.Equal("ord_ops_1", JsonDocument.Parse(show.Body).RootElement[0].GetProperty("body").GetProperty("payload").GetProperty("orderId").GetString());
        Assert.Equal((200, DeadLetterApi.NdJson), (export.Status, export.ContentType));
        Assert.Single(export.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(404, unknownQueue.Status);
        Assert.Equal("would-resubmit", JsonDocument.Parse(dryRun.Body).RootElement.GetProperty("audit")[0].GetProperty("outcome").GetString());
        Assert.Equal("resubmitted", JsonDocument.Parse(resubmit.Body).RootElement.GetProperty("audit")[0].GetProperty("outcome").GetString());
        Assert.Empty(await broker.PeekAsync("orders/notifications", deadLetter: true));
        Assert.Single(await broker.PeekAsync("orders/notifications"));
        Assert.Empty(await broker.PeekAsync("orders/saga"));
        Assert.Empty(await broker.PeekAsync("orders/order-views"));
    }

    private static async Task<Response> Execute(string query, Func<HttpRequest, Task<IActionResult>> invoke)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        var body = new MemoryStream();
        context.Response.Body = body;
        var result = await invoke(context.Request);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return new Response(context.Response.StatusCode, context.Response.ContentType ?? "", Encoding.UTF8.GetString(body.ToArray()));
    }
}

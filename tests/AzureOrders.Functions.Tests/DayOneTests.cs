using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Functions.Consumers;
using AzureOrders.Functions.Http;
using AzureOrders.Persistence;
using AzureOrders.Setup;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// Day one after `azd up`: the account is empty until setup runs (the postprovision hook); setup is safe to run
/// again; then an order placed through the Function App's HTTP function ends CONFIRMED through its own triggers.
/// </summary>
public sealed class DayOneTests(CosmosServerFixture cosmos) : IClassFixture<CosmosServerFixture>
{
    [Fact]
    public async Task After_setup_runs_twice_an_order_placed_through_the_http_function_ends_confirmed()
    {
        await using var emulator = await ServiceBusEndpoint.StartAsync();
        var builder = new TestSystemBuilder(cosmos.ConnectionString, "dayone")
            .WithoutSetup()
            .WithServiceBus(emulator.ConnectionString, processors: false)
            .WithDurableSaga(keepHistories: false)
            .ConfigureServices(services => services.AddSingleton<ServiceBusConsumer>().AddSingleton<OrdersHttpFunctions>());
        await using var system = await builder.StartAsync();
        var client = system.Get<Microsoft.Azure.Cosmos.CosmosClient>();
        var catalog = system.Get<IProductCatalog>().All;

        var first = await SystemSetup.RunAsync(client, builder.DatabaseName, catalog, CancellationToken.None);
        var second = await SystemSetup.RunAsync(client, builder.DatabaseName, catalog, CancellationToken.None);

        Assert.True(first.Changed);
        Assert.True(first.CreatedResources);
        Assert.False(second.Changed, "a second setup changed something");
        Assert.Equal(Containers.All.Count, first.Items.Count(i => i.Kind == SetupItemKind.Container));

        await using var bus = new ServiceBusClient(emulator.ConnectionString);
        await using var triggers = await FunctionTriggerHost.StartAsync(system.Services, bus);
        var http = system.Get<OrdersHttpFunctions>();
        var placed = await CallAsync("POST", "/api/orders",
            """{"orderId":"ord_day_one","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""",
            context => http.Place(context.Request, CancellationToken.None));
        Assert.Equal(201, placed.Status);

        var final = await Eventually.ReturnsAsync(
            () => CallAsync("GET", "/api/orders/ord_day_one", null, context => http.Get(context.Request, "ord_day_one", CancellationToken.None)),
            r => r.Json.RootElement.GetProperty("status").GetString() is OrderStatus.Confirmed or OrderStatus.Cancelled,
            "the order to reach a final state", TimeSpan.FromSeconds(60));
        Assert.Equal(OrderStatus.Confirmed, final.Json.RootElement.GetProperty("status").GetString());
        Assert.Empty(triggers.Errors);
        Assert.Empty(system.Dispatches.DeadLettered);
    }

    private sealed record Answer(int Status, JsonDocument Json);

    private static async Task<Answer> CallAsync(string method, string path, string? body, Func<HttpContext, Task<IActionResult>> invoke)
    {
        var context = FunctionHttp.NewContext(method, path);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            context.Request.ContentType = "application/json";
        }
        var response = await FunctionHttp.ExecuteAsync(context, await invoke(context));
        return new Answer(response.StatusCode, await JsonDocument.ParseAsync(response.Body));
    }
}

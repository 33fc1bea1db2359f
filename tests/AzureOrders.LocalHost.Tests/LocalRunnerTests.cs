using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Demo;
using Xunit.Abstractions;

namespace AzureOrders.LocalHost.Tests;

/// <summary>The local runner end to end: embedded endpoints, every consumer, the saga and the HTTP API in one process.</summary>
public sealed class LocalRunnerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_local_runner_takes_orders_over_http_brings_each_to_a_final_state_and_stops_leaving_no_process()
    {
        int cosmosPid, azuritePid;
        await using (var system = await LocalSystem.StartAsync(new LocalSystemOptions { Port = 0, ServiceBusPort = 0, GatewayLatency = TimeSpan.Zero }))
        {
            cosmosPid = system.Endpoints.Cosmos.ProcessId;
            azuritePid = system.Endpoints.Azurite.ProcessId;
            using var http = new HttpClient { BaseAddress = system.BaseAddress };

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health")).StatusCode);

            var happy = await Place(http, "cust_456", "WIDGET-001", 2, 1999);
            var declined = await Place(http, "cust_decline_1", "GIZMO-003", 1, 999);
            var bad = await http.PostAsync("orders", new StringContent("{\"orderId\":\"ord_local_bad\",\"customerId\":1}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            await AssertRefusedAsync(http, Encoding.UTF8.GetBytes(OrderBody("ord_local_text", "cust_456", "WIDGET-001", 1, 1999)), "text/plain", HttpStatusCode.UnsupportedMediaType);
            var json = OrderBody("ord_local_utf8", "cust_456", "WIDGET-001", 1, 1999);
            var at = json.IndexOf("cust_456", StringComparison.Ordinal);
            await AssertRefusedAsync(http, [.. Encoding.UTF8.GetBytes(json[..at]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(json[at..])], "application/json", HttpStatusCode.BadRequest);
            await AssertRefusedAsync(http, Encoding.UTF8.GetBytes("""{"customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}"""),
                "application/json", HttpStatusCode.PreconditionRequired);
            await AssertRefusedAsync(http, Encoding.UTF8.GetBytes(OrderBody("ord_local_price", "cust_456", "WIDGET-001", 1, 1)), "application/json", HttpStatusCode.UnprocessableEntity);

            Assert.Equal("CONFIRMED", await FinalStatus(http, happy));
            Assert.Equal("CANCELLED", await FinalStatus(http, declined));
        }

        Assert.False(IsRunning(cosmosPid), $"the Cosmos server (pid {cosmosPid}) is still running");
        Assert.False(IsRunning(azuritePid), $"Azurite (pid {azuritePid}) is still running");
    }

    [Fact]
    public async Task A_small_demo_run_passes_its_own_invariant_checks()
    {
        await using var system = await LocalSystem.StartAsync(new LocalSystemOptions { Port = 0, ServiceBusPort = 0, GatewayLatency = TimeSpan.FromMilliseconds(5) });
        var writer = new StringWriter();

        var report = await new DemoRunner(system, writer, TimeProvider.System).RunAsync(new DemoOptions { Orders = 60, Seed = 7, Timeout = TimeSpan.FromMinutes(2) }, CancellationToken.None);

        DemoRunner.Print(report, writer);
        output.WriteLine(writer.ToString());
        Assert.True(report.Passed, string.Join(Environment.NewLine, report.Invariants.Where(i => !i.Holds).Select(i => $"{i.Invariant}: {i.Detail}")));
        Assert.Equal(60, report.ByFinalState.Values.Sum());
        Assert.True(report.ByFinalState.GetValueOrDefault("CANCELLED") > 0, "the mix includes declines and stock-outs");
        Assert.True(report.ByFinalState.GetValueOrDefault("CONFIRMED") > 0);
    }

    private static string OrderBody(string orderId, string customerId, string sku, int quantity, long price) =>
        $$"""{"orderId":"{{orderId}}","customerId":"{{customerId}}","items":[{"sku":"{{sku}}","quantity":{{quantity}},"priceInCents":{{price}}}],"totalInCents":{{quantity * price}}}""";

    /// <summary>The local runner's endpoint answers bad input as the Function App does (both go through OrdersApi).</summary>
    private static async Task AssertRefusedAsync(HttpClient http, byte[] body, string contentType, HttpStatusCode expected)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await http.PostAsync("orders", content);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static async Task<string> Place(HttpClient http, string customerId, string sku, int quantity, long price)
    {
        var orderId = $"ord_local_{Guid.NewGuid():N}";
        var body = OrderBody(orderId, customerId, sku, quantity, price);
        var response = await http.PostAsync("orders", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/orders/{orderId}", response.Headers.Location?.OriginalString);
        return orderId;
    }

    private static async Task<string> FinalStatus(HttpClient http, string orderId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? status = null;
        while (DateTime.UtcNow < deadline)
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync($"orders/{orderId}"));
            status = json.RootElement.GetProperty("status").GetString();
            if (status is "CONFIRMED" or "CANCELLED") return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{orderId} is still {status} after 60 s");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

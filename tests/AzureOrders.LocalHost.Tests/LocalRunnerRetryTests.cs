using System.Net.Http.Json;
using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.Payments;
using AzureOrders.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AzureOrders.LocalHost.Tests;

/// <summary>
/// The delayed-retry scenarios through the local runner's processors (the Function App's run in
/// tests/AzureOrders.Functions.Tests/DelayedRetryScenarioTests.cs): the same dispatcher, the same defaults.
/// </summary>
public sealed class LocalRunnerBreakerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task When_the_payment_breaker_is_open_for_15_seconds_no_payment_command_is_dead_lettered_and_every_order_confirms()
    {
        // The gateway fails every call until the breaker (5 calls, half failing) opens for its default 15 s; from
        // then on the breaker alone refuses captures.
        var gateway = new OutageGateway { Failing = true };
        await using var system = await LocalSystem.StartAsync(new LocalSystemOptions
        {
            Port = 0, ServiceBusPort = 0, GatewayLatency = TimeSpan.Zero,
            ConfigureServices = services => services.AddSingleton<IPaymentGateway>(sp => gateway.Over(sp.GetRequiredService<SimulatedPaymentGateway>())),
        });
        using var http = new HttpClient { BaseAddress = system.BaseAddress };
        var orders = new List<string>();
        for (var i = 0; i < 8; i++) orders.Add(await LocalRunnerCalls.PlaceAsync(http, $"ord_breaker_{i}", $"cust_{i}"));
        await Eventually.HoldsAsync(() => gateway.FailedCalls >= 5, "the gateway to fail five captures", TimeSpan.FromSeconds(30));
        gateway.Failing = false;

        var finals = await Task.WhenAll(orders.Select(o => LocalRunnerCalls.FinalStatusAsync(http, o, TimeSpan.FromSeconds(120))));

        var statistics = system.Get<ConsumerStatistics>();
        output.WriteLine($"final: {string.Join(", ", finals)}; transient failures settled by delayed retry: {statistics.Retries}, of which the gateway itself failed {gateway.FailedCalls}");
        Assert.All(finals, status => Assert.Equal("CONFIRMED", status));
        Assert.Empty(statistics.DeadLettersByReason);
        await using var client = new ServiceBusClient(system.Endpoints.ServiceBus.ConnectionString);
        await using var deadLetters = client.CreateReceiver("payment-commands", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        Assert.Empty(await deadLetters.PeekMessagesAsync(10));
        Assert.True(statistics.Retries > gateway.FailedCalls, "captures refused by the open breaker were retried later");
    }
}

public sealed class LocalRunnerRetriesExhaustedTests
{
    [Fact]
    public async Task When_the_gateway_fails_forever_the_capture_is_dead_lettered_RetriesExhausted_after_the_configured_retries()
    {
        await using var system = await LocalSystem.StartAsync(new LocalSystemOptions
        {
            Port = 0, ServiceBusPort = 0, GatewayLatency = TimeSpan.Zero,
            DelayedRetry = new DelayedRetryOptions { MaxRetries = 2, FirstDelay = TimeSpan.FromMilliseconds(200) },
            Configuration = new Dictionary<string, string?> { ["Payments:Simulator:FlakyFailures"] = "1000" },
        });
        using var http = new HttpClient { BaseAddress = system.BaseAddress };
        await LocalRunnerCalls.PlaceAsync(http, "ord_exhausted_local", "cust_flaky_forever");

        await using var client = new ServiceBusClient(system.Endpoints.ServiceBus.ConnectionString);
        await using var deadLetters = client.CreateReceiver("payment-commands", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var deadLettered = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(60));

        Assert.NotNull(deadLettered);
        Assert.Equal("RetriesExhausted", deadLettered.DeadLetterReason);
        Assert.Equal(2, Convert.ToInt32(deadLettered.ApplicationProperties["dlq-retry-count"], System.Globalization.CultureInfo.InvariantCulture));
        // The original and two copies reached the gateway, each once (the gateway gets no in-delivery retry): never fewer.
        Assert.Equal(3, system.Get<SimulatedPaymentGateway>().Calls);
    }
}

internal static class LocalRunnerCalls
{
    public static async Task<string> PlaceAsync(HttpClient http, string orderId, string customerId)
    {
        var response = await http.PostAsync("orders", new StringContent(
            $$"""{"orderId":"{{orderId}}","customerId":"{{customerId}}","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""",
            Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return orderId;
    }

    public static Task<string> FinalStatusAsync(HttpClient http, string orderId, TimeSpan timeout) =>
        Eventually.ReturnsAsync(
            async () => (await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"orders/{orderId}")).GetProperty("status").GetString()!,
            status => status is "CONFIRMED" or "CANCELLED", $"{orderId} to reach a final state", timeout);
}

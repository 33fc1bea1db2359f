using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Functions.Consumers;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Payments;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// Delayed retries as Azure runs them: the Function App's own trigger methods over the project's Service Bus emulator,
/// with the settings a deployment has (maxDeliveryCount 10 from infra/topology.json, Messaging:DelayedRetry defaults
/// unless a test says otherwise), and the saga on the in-process Durable backend.
/// </summary>
public sealed class DelayedRetryScenarioTests(CosmosServerFixture cosmos, ITestOutputHelper output) : IClassFixture<CosmosServerFixture>
{
    [Fact]
    public async Task When_the_payment_breaker_is_open_for_15_seconds_no_payment_command_is_dead_lettered_and_every_order_ends_confirmed()
    {
        await using var emulator = await ServiceBusEndpoint.StartAsync();
        var gateway = new OutageGateway();
        await using var system = await new TestSystemBuilder(cosmos.ConnectionString, "breaker")
            .WithServiceBus(emulator.ConnectionString, processors: false)
            .WithDurableSaga(keepHistories: false)
            .ConfigureServices(services => services
                .AddSingleton<ServiceBusConsumer>()
                .AddSingleton<IPaymentGateway>(sp => gateway.Over(sp.GetRequiredService<SimulatedPaymentGateway>())))
            .StartAsync();
        await using var client = new ServiceBusClient(emulator.ConnectionString);
        await using var triggers = await FunctionTriggerHost.StartAsync(system.Services, client);

        // The gateway fails every call until the breaker (5 calls, half failing, Payments:Resilience defaults) opens;
        // from then on the breaker alone refuses captures, for its 15 s.
        gateway.Failing = true;
        var orders = Enumerable.Range(1, 8).Select(i => $"ord_breaker_{i}").ToList();
        foreach (var orderId in orders) await PlaceAsync(system, orderId);
        await Eventually.HoldsAsync(() => gateway.FailedCalls >= 5, "the gateway to fail five captures", TimeSpan.FromSeconds(30));
        gateway.Failing = false;
        var breakerOpenedAt = DateTimeOffset.UtcNow;

        var heads = await Eventually.ReturnsAsync(
            () => Task.WhenAll(orders.Select(o => system.Get<OrderStream>().ReadHeadAsync(o, CancellationToken.None))),
            read => read.All(h => h?.Status is OrderStatus.Confirmed or OrderStatus.Cancelled), "every order to reach a final state", TimeSpan.FromSeconds(120));
        var confirmedAfter = DateTimeOffset.UtcNow - breakerOpenedAt;

        var payments = system.Dispatches.All.Where(d => d.Endpoint.Consumer == Contracts.Services.Payments).ToList();
        var retries = payments.Where(d => d.Result.SettledAs == SettledAs.RetryScheduled).ToList();
        output.WriteLine($"all final {confirmedAfter.TotalSeconds:F1} s after the breaker opened; payment deliveries {payments.Count}, " +
                         $"delayed retries {retries.Count}, highest retry {payments.Max(d => d.Message.RetryCount)}, " +
                         $"delays (s): {string.Join(" ", retries.Select(r => r.Result.RetryDelay!.Value.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.All(heads, h => Assert.Equal(OrderStatus.Confirmed, h!.Status));
        Assert.Empty(system.Dispatches.DeadLettered);
        Assert.Empty(triggers.Errors);
        await using var deadLetters = client.CreateReceiver("payment-commands", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        Assert.Empty(await deadLetters.PeekMessagesAsync(10));
        // Waited out the breaker by backing off (1, 2, 4, 8 s ...), not by burning the broker's ten deliveries.
        Assert.True(payments.Max(d => d.Message.RetryCount) >= 3, "payment commands were retried with growing delays");
        Assert.All(payments, d => Assert.True(d.Message.DeliveryCount <= 2, $"delivery count {d.Message.DeliveryCount}: a retry went back to the broker's redelivery"));
    }

    [Fact]
    public async Task When_a_handler_fails_forever_it_is_dead_lettered_RetriesExhausted_after_the_configured_retries_and_never_sooner()
    {
        const int MaxRetries = 3;
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == AzureOrders.Diagnostics.Telemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.Kind == System.Diagnostics.ActivityKind.Consumer) spans.Enqueue(activity); },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var emulator = await ServiceBusEndpoint.StartAsync();
        var sender = new FailingSender();
        await using var system = await new TestSystemBuilder(cosmos.ConnectionString, "exhausted")
            .WithServiceBus(emulator.ConnectionString, processors: false)
            .WithSetting("Messaging:DelayedRetry:MaxRetries", MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithSetting("Messaging:DelayedRetry:FirstDelay", "00:00:00.200")
            .ConfigureServices(services => services.AddSingleton<ServiceBusConsumer>().AddSingleton<INotificationSender>(sender))
            .StartAsync();
        await using var client = new ServiceBusClient(emulator.ConnectionString);
        await using var triggers = await FunctionTriggerHost.StartAsync(system.Services, client, only: name => name == "Notifications_Orders");

        await PlaceAsync(system, "ord_exhausted_1");
        await using var deadLetters = client.CreateReceiver("orders", "notifications", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var deadLettered = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(60));

        // The dead-letter is visible before the dispatcher has returned from settling it.
        var dispatches = await Eventually.ReturnsAsync(
            () => Task.FromResult(system.Dispatches.All.Where(d => d.Endpoint.Consumer == Contracts.Services.Notifications).ToList()),
            d => d.Any(x => x.Result.SettledAs == SettledAs.DeadLettered), "the dead-letter to be recorded");
        var options = new DelayedRetryOptions { FirstDelay = TimeSpan.FromMilliseconds(200) };
        var gaps = triggers.Invocations.Zip(triggers.Invocations.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds);
        output.WriteLine($"scheduled delays (ms): {string.Join(" ", dispatches.Where(d => d.Result.RetryDelay is not null).Select(d => d.Result.RetryDelay!.Value.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}; " +
                         $"measured gaps between deliveries (ms): {string.Join(" ", gaps.Select(g => g.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");

        Assert.NotNull(deadLettered);
        Assert.Equal(nameof(DeadLetterReason.RetriesExhausted), deadLettered.DeadLetterReason);
        Assert.Equal(MaxRetries, Convert.ToInt32(deadLettered.ApplicationProperties[DeadLetterProperties.RetryCount], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(MessageTypes.OrderPlacedV1, Envelopes.Deserialize(deadLettered.Body.ToMemory().Span).EventType);
        // The original, then exactly MaxRetries copies: each failure but the last scheduled the next, with the growing delay.
        Assert.Equal([.. Enumerable.Range(0, MaxRetries + 1)], dispatches.Select(d => d.Message.RetryCount));
        Assert.Equal([.. Enumerable.Repeat(SettledAs.RetryScheduled, MaxRetries), SettledAs.DeadLettered], dispatches.Select(d => d.Result.SettledAs));
        for (var retry = 1; retry <= MaxRetries; retry++)
        {
            var delay = dispatches[retry - 1].Result.RetryDelay!.Value;
            Assert.InRange(delay, options.DelayFor(retry, 0), options.DelayFor(retry, 1));
        }
        Assert.Equal(MaxRetries + 1, triggers.Invocations.Count);
        // The consumer spans say what was done: three deliveries completed with a retry scheduled, then the dead-letter.
        var ids = triggers.Invocations.Select(i => i.Message.MessageId).ToHashSet();
        var ours = spans.Where(a => a.GetTagItem("messaging.message.id") is string id && ids.Contains(id)).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(["complete", "complete", "complete", "dead_letter"], ours.Select(a => a.GetTagItem("messaging.servicebus.disposition_status") as string));
        Assert.All(ours.Take(MaxRetries), a => Assert.NotNull(a.GetTagItem("azureorders.retry_delay_ms")));
        Assert.Equal(nameof(DeadLetterReason.RetriesExhausted), ours[^1].GetTagItem("azureorders.dead_letter_reason"));
        Assert.True(sender.Calls >= MaxRetries + 1);
        Assert.Empty(triggers.Errors);
    }

    private static async Task PlaceAsync(TestSystem system, string orderId)
    {
        var json = $$"""{"orderId":"{{orderId}}","customerId":"cust_retry","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""";
        Assert.IsType<PlaceOrderResult.Accepted>(await system.Get<PlaceOrderService>().PlaceAsync(Encoding.UTF8.GetBytes(json), null, CancellationToken.None));
    }

    private sealed class FailingSender : INotificationSender
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new TransientFailureException("injected: the notification provider is down");
        }
    }
}

using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class DuplicateAndScheduleTests
{
    [Fact]
    public async Task A_repeated_MessageId_inside_the_window_is_accepted_and_dropped()
    {
        await using var scope = await EmulatorScope.StartAsync(new EmulatorConfig
        {
            Queues = [new QueueDefinition("dedup") { RequiresDuplicateDetection = true, DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10) }, new QueueDefinition("plain")],
            Topics =
            [
                new TopicDefinition("orders")
                {
                    RequiresDuplicateDetection = true,
                    Subscriptions = [new SubscriptionDefinition("saga")],
                },
            ],
        });
        foreach (var entity in new[] { "dedup", "plain", "orders" })
        {
            await using var sender = scope.Client.CreateSender(entity);
            await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "evt-1" });
            await sender.SendMessageAsync(new ServiceBusMessage("repeat") { MessageId = "evt-1" }); // no exception: accepted
            await sender.SendMessagesAsync([new ServiceBusMessage("repeat-in-batch") { MessageId = "evt-1" }, new ServiceBusMessage("second") { MessageId = "evt-2" }]);
        }

        async Task<List<string>> Bodies(ServiceBusReceiver receiver) => (await scope.ReceiveAsync(receiver, 4, TimeSpan.FromSeconds(2))).Select(m => m.Body.ToString()).ToList();
        await using var dedup = scope.Client.CreateReceiver("dedup");
        await using var plain = scope.Client.CreateReceiver("plain");
        await using var saga = scope.Client.CreateReceiver("orders", "saga");
        Assert.Equal(["first", "second"], await Bodies(dedup));
        Assert.Equal(["first", "repeat", "repeat-in-batch", "second"], await Bodies(plain));
        Assert.Equal(["first", "second"], await Bodies(saga));
    }

    [Fact]
    public async Task ScheduledEnqueueTime_on_send_holds_the_message_until_due()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("later"));
        await using var sender = scope.Client.CreateSender("later");
        // Far enough ahead that the peek and the empty receive below finish first even on a busy machine.
        var due = DateTimeOffset.UtcNow.AddSeconds(4);
        await sender.SendMessageAsync(new ServiceBusMessage("scheduled") { MessageId = "s1", ScheduledEnqueueTime = due });
        await using var receiver = scope.Client.CreateReceiver("later");

        var peeked = Assert.Single(await receiver.PeekMessagesAsync(10));
        Assert.Equal(ServiceBusMessageState.Scheduled, peeked.State);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));

        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(message);
        Assert.Equal("s1", message.MessageId);
        Assert.True(DateTimeOffset.UtcNow >= due.AddMilliseconds(-50));
        // AMQP timestamps carry milliseconds; allow the client's rounding.
        Assert.InRange((message.ScheduledEnqueueTime - due).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task ScheduleMessageAsync_returns_a_sequence_number_and_CancelScheduledMessageAsync_removes_it()
    {
        await using var scope = await EmulatorScope.StartAsync(new EmulatorConfig
        {
            Queues = [new QueueDefinition("later")],
            Topics = [new TopicDefinition("orders") { Subscriptions = [new SubscriptionDefinition("saga")] }],
        });
        foreach (var entity in new[] { "later", "orders" })
        {
            await using var sender = scope.Client.CreateSender(entity);
            var kept = await sender.ScheduleMessageAsync(new ServiceBusMessage("kept") { MessageId = "kept" }, DateTimeOffset.UtcNow.AddSeconds(1));
            var cancelled = await sender.ScheduleMessageAsync(new ServiceBusMessage("cancelled") { MessageId = "cancelled" }, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.True(kept > 0);
            Assert.NotEqual(kept, cancelled);
            await sender.CancelScheduledMessageAsync(cancelled);
        }

        await using var queueReceiver = scope.Client.CreateReceiver("later");
        await using var subscriptionReceiver = scope.Client.CreateReceiver("orders", "saga");
        foreach (var receiver in new[] { queueReceiver, subscriptionReceiver })
        {
            Assert.Equal("kept", (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))?.MessageId);
            Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1))); // the cancelled one was due at the same time
        }
    }
}

using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class EntityAndSendTests
{
    static EmulatorConfig Config() => new()
    {
        Queues = [new QueueDefinition("commands")],
        Topics = [new TopicDefinition("orders") { Subscriptions = [new SubscriptionDefinition("saga"), new SubscriptionDefinition("views")] }],
    };

    [Fact]
    public async Task Sending_to_a_missing_entity_fails_with_MessagingEntityNotFound()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var sender = scope.Client.CreateSender("no-such-queue");

        var error = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, error.Reason);
    }

    [Fact]
    public async Task Receiving_from_a_missing_queue_or_subscription_fails_with_MessagingEntityNotFound()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var queueReceiver = scope.Client.CreateReceiver("no-such-queue");
        await using var subscriptionReceiver = scope.Client.CreateReceiver("orders", "no-such-subscription");

        var queueError = await Assert.ThrowsAsync<ServiceBusException>(() => queueReceiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2)));
        var subscriptionError = await Assert.ThrowsAsync<ServiceBusException>(() => subscriptionReceiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, queueError.Reason);
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, subscriptionError.Reason);
    }

    [Fact]
    public async Task A_topic_message_reaches_every_subscription_and_entity_names_are_case_insensitive()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var sender = scope.Client.CreateSender("ORDERS");
        await sender.SendMessageAsync(new ServiceBusMessage("fan-out") { MessageId = "f1" });

        await using var saga = scope.Client.CreateReceiver("orders", "saga");
        await using var views = scope.Client.CreateReceiver("Orders", "Views");
        var fromSaga = await saga.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        var fromViews = await views.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("f1", fromSaga?.MessageId);
        Assert.Equal("f1", fromViews?.MessageId);
    }

    [Fact]
    public async Task Batch_send_delivers_every_message_in_order()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var sender = scope.Client.CreateSender("commands");
        using var batch = await sender.CreateMessageBatchAsync();
        for (var i = 0; i < 50; i++)
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage($"body-{i}") { MessageId = $"b{i}" }));
        }

        await sender.SendMessagesAsync(batch);
        await sender.SendMessagesAsync([new ServiceBusMessage("list-1"), new ServiceBusMessage("list-2")]);

        await using var receiver = scope.Client.CreateReceiver("commands", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var received = await scope.ReceiveAsync(receiver, 52);

        Assert.Equal(52, received.Count);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"body-{i}").Concat(["list-1", "list-2"]), received.Select(m => m.Body.ToString()));
        Assert.Equal(received.Select(m => m.SequenceNumber).Order(), received.Select(m => m.SequenceNumber));
    }

    [Fact]
    public async Task Every_message_property_round_trips()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var sender = scope.Client.CreateSender("commands");
        var when = new DateTime(2026, 11, 26, 12, 30, 45, DateTimeKind.Utc);
        var offset = new DateTimeOffset(2026, 11, 26, 13, 30, 45, TimeSpan.FromHours(1));
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var message = new ServiceBusMessage(BinaryData.FromString("{\"orderId\":\"ord_123\"}"))
        {
            MessageId = "evt-42",
            Subject = "order.placed.v1",
            CorrelationId = "corr-7",
            ContentType = "application/json",
            To = "inventory",
            ReplyTo = "replies",
            ReplyToSessionId = "reply-session",
            SessionId = "session-1",
            TimeToLive = TimeSpan.FromMinutes(30),
            ApplicationProperties =
            {
                ["string"] = "text",
                ["int"] = 42,
                ["long"] = 9_000_000_000L,
                ["short"] = (short)7,
                ["byte"] = (byte)8,
                ["double"] = 3.25,
                ["float"] = 1.5f,
                ["decimal"] = 12.34m,
                ["bool"] = true,
                ["char"] = 'c',
                ["guid"] = id,
                ["datetime"] = when,
                ["datetimeoffset"] = offset,
                ["timespan"] = TimeSpan.FromSeconds(90),
                ["uri"] = new Uri("https://example.org/orders"),
                ["bytes"] = new byte[] { 1, 2, 3 },
            },
        };
        await sender.SendMessageAsync(message);

        await using var receiver = scope.Client.CreateReceiver("commands");
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(received);
        Assert.Equal("{\"orderId\":\"ord_123\"}", received.Body.ToString());
        Assert.Equal("evt-42", received.MessageId);
        Assert.Equal("order.placed.v1", received.Subject);
        Assert.Equal("corr-7", received.CorrelationId);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal("inventory", received.To);
        Assert.Equal("replies", received.ReplyTo);
        Assert.Equal("reply-session", received.ReplyToSessionId);
        Assert.Equal("session-1", received.SessionId);
        Assert.Equal(TimeSpan.FromMinutes(30), received.TimeToLive);
        Assert.True(received.ExpiresAt > received.EnqueuedTime);
        var p = received.ApplicationProperties;
        Assert.Equal("text", p["string"]);
        Assert.Equal(42, p["int"]);
        Assert.Equal(9_000_000_000L, p["long"]);
        Assert.Equal((short)7, p["short"]);
        Assert.Equal((byte)8, p["byte"]);
        Assert.Equal(3.25, p["double"]);
        Assert.Equal(1.5f, p["float"]);
        Assert.Equal(12.34m, p["decimal"]);
        Assert.Equal(true, p["bool"]);
        Assert.Equal('c', p["char"]);
        Assert.Equal(id, p["guid"]);
        Assert.Equal(when, p["datetime"]);
        Assert.Equal(offset, p["datetimeoffset"]);
        Assert.Equal(TimeSpan.FromSeconds(90), p["timespan"]);
        Assert.Equal(new Uri("https://example.org/orders"), p["uri"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, p["bytes"]);
    }

    [Fact]
    public async Task Receive_and_delete_removes_the_message_on_delivery()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var sender = scope.Client.CreateSender("commands");
        await sender.SendMessageAsync(new ServiceBusMessage("once"));

        await using var receiver = scope.Client.CreateReceiver("commands", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        var second = await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500));

        Assert.Equal("once", first?.Body.ToString());
        Assert.Null(second);
        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }

    [Fact]
    public async Task A_session_receiver_fails_with_a_clear_not_supported_error()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => scope.Client.AcceptNextSessionAsync("commands"));
        Assert.Contains("Sessions are not supported", error.Message);
    }

    [Fact]
    public async Task A_message_over_the_256_KB_Standard_tier_limit_is_refused_with_MessageSizeExceeded()
    {
        await using var scope = await EmulatorScope.StartAsync(Config());
        await using var sender = scope.Client.CreateSender("commands");
        using var batch = await sender.CreateMessageBatchAsync();

        Assert.Equal(256 * 1024, batch.MaxSizeInBytes);
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[300 * 1024])));
        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, error.Reason);
        var large = Enumerable.Range(0, 200 * 1024).Select(i => (byte)i).ToArray();
        await sender.SendMessageAsync(new ServiceBusMessage(large)); // under the limit still works, across several frames

        await using var receiver = scope.Client.CreateReceiver("commands");
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(large, received?.Body.ToArray());
    }
}

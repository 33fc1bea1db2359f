using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class DeadLetterTests
{
    [Fact]
    public async Task DeadLetter_moves_the_message_to_the_dead_letter_queue_with_reason_description_source_and_properties()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("work"));
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("poison") { MessageId = "p1" });
        await using var receiver = scope.Client.CreateReceiver("work");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(message);

        await receiver.DeadLetterMessageAsync(message, new Dictionary<string, object> { ["handler"] = "inventory" }, "SchemaValidationFailed", "items[0].quantity must be positive");

        await using var deadLetters = scope.Client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(dead);
        Assert.Equal("p1", dead.MessageId);
        Assert.Equal("SchemaValidationFailed", dead.DeadLetterReason);
        Assert.Equal("items[0].quantity must be positive", dead.DeadLetterErrorDescription);
        Assert.Equal("work", dead.DeadLetterSource);
        Assert.Equal("inventory", dead.ApplicationProperties["handler"]);
        await deadLetters.CompleteMessageAsync(dead);
        Assert.Empty(await receiver.PeekMessagesAsync(10));
        Assert.Empty(await deadLetters.PeekMessagesAsync(10));
    }

    [Fact]
    public async Task After_MaxDeliveryCount_abandons_the_message_is_dead_lettered_with_MaxDeliveryCountExceeded()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("work") { MaxDeliveryCount = 3 });
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("fails") { MessageId = "f1" });
        await using var receiver = scope.Client.CreateReceiver("work");

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(message);
            Assert.Equal(attempt, message.DeliveryCount);
            await receiver.AbandonMessageAsync(message);
        }

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        await using var deadLetters = scope.Client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(dead);
        Assert.Equal("f1", dead.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
        Assert.Contains("3", dead.DeadLetterErrorDescription);
    }

    [Fact]
    public async Task A_lock_that_expires_on_the_last_delivery_dead_letters_the_message()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("work") { MaxDeliveryCount = 1, LockDuration = TimeSpan.FromSeconds(1) });
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("stuck") { MessageId = "s1" });
        await using var receiver = scope.Client.CreateReceiver("work");
        Assert.NotNull(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)));

        await using var deadLetters = scope.Client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("s1", dead?.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead?.DeadLetterReason);
    }

    [Fact]
    public async Task An_expired_message_is_dead_lettered_when_DeadLetteringOnMessageExpiration_is_set()
    {
        await using var scope = await EmulatorScope.StartAsync(
            new QueueDefinition("expiring") { DeadLetteringOnMessageExpiration = true },
            new QueueDefinition("dropping"));
        foreach (var queue in new[] { "expiring", "dropping" })
        {
            await using var sender = scope.Client.CreateSender(queue);
            await sender.SendMessageAsync(new ServiceBusMessage("short-lived") { MessageId = $"{queue}-1", TimeToLive = TimeSpan.FromMilliseconds(500) });
        }

        await using var expiringDeadLetters = scope.Client.CreateReceiver("expiring", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await expiringDeadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(dead);
        Assert.Equal("expiring-1", dead.MessageId);
        Assert.Equal("TTLExpiredException", dead.DeadLetterReason);

        await using var expiring = scope.Client.CreateReceiver("expiring");
        await using var dropping = scope.Client.CreateReceiver("dropping");
        await using var droppingDeadLetters = scope.Client.CreateReceiver("dropping", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        Assert.Null(await expiring.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        Assert.True(await Poll.UntilAsync(async () => (await dropping.PeekMessagesAsync(10, fromSequenceNumber: 0)).Count == 0, TimeSpan.FromSeconds(5)));
        Assert.Empty(await droppingDeadLetters.PeekMessagesAsync(10));
    }

    [Fact]
    public async Task The_entity_default_time_to_live_applies_to_messages_without_their_own()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("ttl") { DefaultMessageTimeToLive = TimeSpan.FromMinutes(5) });
        await using var sender = scope.Client.CreateSender("ttl");
        await sender.SendMessagesAsync([new ServiceBusMessage("default"), new ServiceBusMessage("own") { TimeToLive = TimeSpan.FromMinutes(1) }]);
        await using var receiver = scope.Client.CreateReceiver("ttl");

        var messages = await scope.ReceiveAsync(receiver, 2);

        Assert.Equal([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1)], messages.Select(m => m.TimeToLive));
    }

    [Fact]
    public async Task Peek_shows_active_and_dead_lettered_messages_without_locking_them()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("work"));
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessagesAsync(Enumerable.Range(1, 5).Select(i => new ServiceBusMessage($"m{i}") { MessageId = $"m{i}" }));
        await using var receiver = scope.Client.CreateReceiver("work");

        var firstPage = await receiver.PeekMessagesAsync(3);
        var secondPage = await receiver.PeekMessagesAsync(3);
        Assert.Equal(["m1", "m2", "m3"], firstPage.Select(m => m.MessageId));
        Assert.Equal(["m4", "m5"], secondPage.Select(m => m.MessageId));
        Assert.All(firstPage, m => Assert.Equal(0, m.DeliveryCount));

        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("m1", message?.MessageId); // peeking locked nothing
        await receiver.DeadLetterMessageAsync(message!, "Manual", "peek test");

        await using var deadLetters = scope.Client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = Assert.Single(await deadLetters.PeekMessagesAsync(10));
        Assert.Equal("m1", dead.MessageId);
        Assert.Equal("Manual", dead.DeadLetterReason);
        Assert.Equal(1, dead.DeliveryCount);
        Assert.Equal(["m2", "m3", "m4", "m5"], (await receiver.PeekMessagesAsync(10, fromSequenceNumber: 0)).Select(m => m.MessageId));
    }
}

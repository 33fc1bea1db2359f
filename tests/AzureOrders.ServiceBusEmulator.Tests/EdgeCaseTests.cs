using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class EdgeCaseTests
{
    [Fact]
    public async Task A_processor_in_ReceiveAndDelete_mode_gets_every_message_once()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("work"));
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessagesAsync(Enumerable.Range(0, 100).Select(i => new ServiceBusMessage($"{i}") { MessageId = $"m{i}" }));
        await using var processor = scope.Client.CreateProcessor("work", new ServiceBusProcessorOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete, MaxConcurrentCalls = 4 });
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        processor.ProcessMessageAsync += args =>
        {
            seen.Add(args.Message.MessageId);
            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;

        await processor.StartProcessingAsync();
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(seen.Count >= 100), TimeSpan.FromSeconds(20)));
        await processor.StopProcessingAsync();

        Assert.Equal(100, seen.Distinct().Count());
        Assert.Equal(100, seen.Count);
    }

    [Fact]
    public async Task Abandoning_a_dead_lettered_message_keeps_it_in_the_dead_letter_queue()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("work") { MaxDeliveryCount = 1 });
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = "x" });
        await using var receiver = scope.Client.CreateReceiver("work");
        await receiver.AbandonMessageAsync((await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))!);
        await using var deadLetters = scope.Client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });

        for (var i = 0; i < 3; i++)
        {
            var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("x", dead?.MessageId);
            await deadLetters.AbandonMessageAsync(dead!);
        }

        Assert.Equal("x", (await deadLetters.PeekMessageAsync(fromSequenceNumber: 0))?.MessageId);
    }

    [Fact]
    public async Task Settling_a_deferred_message_after_its_lock_expired_fails_with_MessageLockLost()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await TestEmulators.StartAsync(new EmulatorConfig { Queues = [new QueueDefinition("work") { LockDuration = TimeSpan.FromMinutes(1) }] }, timeProvider: clock);
        await using var client = new ServiceBusClient(emulator.ConnectionString);
        await using var sender = client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("later"));
        await using var receiver = client.CreateReceiver("work");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        await receiver.DeferMessageAsync(message!);
        var deferred = Assert.Single(await receiver.ReceiveDeferredMessagesAsync([message!.SequenceNumber]));

        clock.Advance(TimeSpan.FromMinutes(2));
        emulator.RunMaintenance();

        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(deferred));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
        // Still deferred: it can be received by sequence number again.
        Assert.Single(await receiver.ReceiveDeferredMessagesAsync([message.SequenceNumber]));
    }

    [Fact]
    public async Task A_processor_whose_handler_keeps_failing_abandons_until_the_broker_dead_letters()
    {
        await using var scope = await EmulatorScope.StartAsync(new EmulatorConfig
        {
            Topics = [new TopicDefinition("orders") { Subscriptions = [new SubscriptionDefinition("saga") { MaxDeliveryCount = 3 }] }],
        });
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "poison", Subject = "order.placed.v1" });
        await using var processor = scope.Client.CreateProcessor("orders", "saga", new ServiceBusProcessorOptions { AutoCompleteMessages = true });
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<int>();
        processor.ProcessMessageAsync += args =>
        {
            attempts.Enqueue(args.Message.DeliveryCount);
            throw new InvalidOperationException("handler failed"); // the processor abandons on an exception
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;

        await processor.StartProcessingAsync();
        await using var deadLetters = scope.Client.CreateReceiver("orders", "saga", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(20));
        await processor.StopProcessingAsync();

        Assert.Equal("poison", dead?.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead?.DeadLetterReason);
        Assert.Equal([1, 2, 3], attempts);
    }
}

using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class ConcurrencyTests
{
    [Fact]
    public async Task Four_processors_with_eight_concurrent_calls_complete_each_of_20000_messages_exactly_once()
    {
        const int total = 20_000;
        await using var emulator = await TestEmulators.StartAsync(new EmulatorConfig
        {
            Topics = [new TopicDefinition("orders") { Subscriptions = [new SubscriptionDefinition("saga") { LockDuration = TimeSpan.FromMinutes(1) }] }],
        });
        await using var senderClient = new ServiceBusClient(emulator.ConnectionString);
        await using var sender = senderClient.CreateSender("orders");

        var completions = new ConcurrentDictionary<string, int>();
        var completedCount = 0;
        var errors = new ConcurrentQueue<Exception>();
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clients = Enumerable.Range(0, 4).Select(_ => new ServiceBusClient(emulator.ConnectionString)).ToList();
        var processors = clients.Select(c => c.CreateProcessor("orders", "saga", new ServiceBusProcessorOptions
        {
            MaxConcurrentCalls = 8,
            AutoCompleteMessages = false,
            PrefetchCount = 50,
        })).ToList();
        foreach (var processor in processors)
        {
            processor.ProcessMessageAsync += async args =>
            {
                await args.CompleteMessageAsync(args.Message);
                // Counted only after the broker accepted the completion.
                completions.AddOrUpdate(args.Message.MessageId, 1, (_, n) => n + 1);
                if (Interlocked.Increment(ref completedCount) == total)
                {
                    allDone.TrySetResult();
                }
            };
            processor.ProcessErrorAsync += args =>
            {
                errors.Enqueue(args.Exception);
                return Task.CompletedTask;
            };
            await processor.StartProcessingAsync();
        }

        var sending = Task.Run(async () =>
        {
            var next = 0;
            while (next < total)
            {
                using var batch = await sender.CreateMessageBatchAsync();
                while (next < total && batch.TryAddMessage(new ServiceBusMessage($"m{next}") { MessageId = $"m{next}", Subject = "order.placed.v1" }))
                {
                    next++;
                }

                await sender.SendMessagesAsync(batch);
            }
        });

        await sending;
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(90));
        foreach (var processor in processors)
        {
            await processor.StopProcessingAsync();
            await processor.DisposeAsync();
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        Assert.Empty(errors);
        Assert.Equal(total, completions.Count);
        Assert.All(completions, pair => Assert.Equal(1, pair.Value));
        await using var check = senderClient.CreateReceiver("orders", "saga");
        await using var deadLetters = senderClient.CreateReceiver("orders", "saga", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        Assert.Empty(await check.PeekMessagesAsync(10, fromSequenceNumber: 0));
        Assert.Empty(await deadLetters.PeekMessagesAsync(10, fromSequenceNumber: 0));
    }
}

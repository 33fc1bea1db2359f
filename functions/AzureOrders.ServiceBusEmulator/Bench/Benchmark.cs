using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Bench;

/// <summary>
/// Sends, receives and completes N messages through the real client against an in-process emulator
/// and reports end-to-end messages per second (the clock runs from the first send to the last completion).
/// </summary>
internal static class Benchmark
{
    public static async Task<double> RunAsync(int messageCount, int bodySize, TextWriter output)
    {
        await using var emulator = await ServiceBusEmulator.StartAsync(new EmulatorConfig { Queues = [new QueueDefinition("bench")] });
        await using var client = new ServiceBusClient(emulator.ConnectionString);
        await using var sender = client.CreateSender("bench");
        await using var processor = client.CreateProcessor("bench", new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = true,
            MaxConcurrentCalls = 64,
            PrefetchCount = 500,
        });

        var body = new BinaryData(new byte[bodySize]);
        var completed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        processor.ProcessMessageAsync += _ =>
        {
            if (Interlocked.Increment(ref completed) == messageCount)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args =>
        {
            output.WriteLine($"processor error: {args.Exception.Message}");
            return Task.CompletedTask;
        };

        // Warm up the links so the figure measures messaging, not connection setup.
        await sender.SendMessageAsync(new ServiceBusMessage(body));
        Interlocked.Decrement(ref completed);
        await processor.StartProcessingAsync();
        await Poll(() => Volatile.Read(ref completed) == 0);

        var stopwatch = Stopwatch.StartNew();
        var sent = 0;
        while (sent < messageCount)
        {
            using var batch = await sender.CreateMessageBatchAsync();
            while (sent < messageCount && batch.TryAddMessage(new ServiceBusMessage(body) { MessageId = $"bench-{sent}" }))
            {
                sent++;
            }

            await sender.SendMessagesAsync(batch);
        }

        var sendSeconds = stopwatch.Elapsed.TotalSeconds;
        var finished = await Task.WhenAny(done.Task, Task.Delay(TimeSpan.FromMinutes(2)));
        stopwatch.Stop();
        await processor.StopProcessingAsync();
        if (finished != done.Task)
        {
            throw new TimeoutException($"Only {completed} of {messageCount} messages were completed.");
        }

        var rate = messageCount / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{messageCount} messages of {bodySize} bytes: sent in {sendSeconds:F2} s, received and completed by {stopwatch.Elapsed.TotalSeconds:F2} s");
        output.WriteLine($"{rate:F0} msg/s end to end (send + receive + complete)");
        return rate;
    }

    static async Task Poll(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}

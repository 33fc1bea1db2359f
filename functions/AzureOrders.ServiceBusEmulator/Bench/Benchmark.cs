using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Bench;

/// <summary>
/// Sends, receives and completes N messages through the real client against an in-process emulator
/// and reports end-to-end messages per second: the clock runs from the first send to the last
/// completion, with senders (batches) and peek-lock receivers (batch receive, completions in flight
/// together) running at the same time, as a busy consumer would.
/// </summary>
internal static class Benchmark
{
    const int Receivers = 2;
    const int ReceiveBatch = 200;

    public static async Task<double> RunAsync(int messageCount, int bodySize, TextWriter output)
    {
        await using var emulator = await ServiceBusEmulator.StartAsync(new EmulatorConfig { Queues = [new QueueDefinition("bench")] });
        await using var client = new ServiceBusClient(emulator.ConnectionString);
        await using var sender = client.CreateSender("bench");
        var receivers = Enumerable.Range(0, Receivers)
            .Select(_ => client.CreateReceiver("bench", new ServiceBusReceiverOptions { PrefetchCount = ReceiveBatch }))
            .ToList();

        // Warm up the links so the figure measures messaging, not connection setup.
        var body = new BinaryData(new byte[bodySize]);
        await sender.SendMessageAsync(new ServiceBusMessage(body));
        foreach (var receiver in receivers)
        {
            await receiver.PeekMessageAsync();
        }

        var warm = await receivers[0].ReceiveMessageAsync(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("Warm-up message not received.");
        await receivers[0].CompleteMessageAsync(warm);

        var completed = 0;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stopwatch = Stopwatch.StartNew();
        var receiving = receivers.Select(receiver => Task.Run(async () =>
        {
            while (Volatile.Read(ref completed) < messageCount && !cancel.IsCancellationRequested)
            {
                var batch = await receiver.ReceiveMessagesAsync(ReceiveBatch, TimeSpan.FromMilliseconds(200), cancel.Token);
                await Task.WhenAll(batch.Select(m => receiver.CompleteMessageAsync(m, cancel.Token)));
                Interlocked.Add(ref completed, batch.Count);
            }
        })).ToList();

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
        await Task.WhenAll(receiving);
        stopwatch.Stop();
        foreach (var receiver in receivers)
        {
            await receiver.DisposeAsync();
        }

        if (completed < messageCount)
        {
            throw new TimeoutException($"Only {completed} of {messageCount} messages were completed.");
        }

        var rate = messageCount / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{messageCount} messages of {bodySize} bytes: all sent after {sendSeconds:F2} s, all received and completed after {stopwatch.Elapsed.TotalSeconds:F2} s");
        output.WriteLine($"{rate:F0} msg/s end to end (send + receive + complete, peek-lock)");
        return rate;
    }
}

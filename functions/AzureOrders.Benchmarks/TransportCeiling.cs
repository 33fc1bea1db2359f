using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;
using Emulator = AzureOrders.ServiceBusEmulator.ServiceBusEmulator;

namespace AzureOrders.Benchmarks;

/// <summary>
/// The transport ceiling: raw send + peek-lock receive + complete through the embedded emulator, in this process
/// (as the local runner hosts it), with message bodies the size of our envelopes. Nothing above it can go faster.
/// </summary>
public static class TransportCeiling
{
    private const int ReceiveBatch = 100;

    public static async Task<double> MeasureAsync(int messages, int bodyBytes, string connectionString, string queue, CancellationToken cancellationToken)
    {
        await using var client = new ServiceBusClient(connectionString);
        await using var sender = client.CreateSender(queue);
        var receivers = Enumerable.Range(0, 2).Select(_ => client.CreateReceiver(queue, new ServiceBusReceiverOptions { PrefetchCount = ReceiveBatch })).ToList();
        var body = new BinaryData(new byte[bodyBytes]);

        // Warm links and JIT first so the figure is the sustained rate.
        await RoundAsync(sender, receivers, body, Math.Min(messages, 2_000), "warm", cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        await RoundAsync(sender, receivers, body, messages, "run", cancellationToken);
        var rate = messages / stopwatch.Elapsed.TotalSeconds;
        foreach (var receiver in receivers) await receiver.DisposeAsync();
        return rate;
    }

    public static Task<Emulator> StartQueueAsync(string queue) =>
        Emulator.StartAsync(new EmulatorConfig { Queues = [new QueueDefinition(queue)] });

    /// <summary>Sends in batches while two receivers complete what arrives; returns when all are completed.</summary>
    public static async Task RoundAsync(ServiceBusSender sender, IReadOnlyList<ServiceBusReceiver> receivers, BinaryData body, int count, string prefix, CancellationToken cancellationToken)
    {
        var completed = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        var receiving = receivers.Select(receiver => Task.Run(async () =>
        {
            while (Volatile.Read(ref completed) < count)
            {
                var batch = await receiver.ReceiveMessagesAsync(ReceiveBatch, TimeSpan.FromMilliseconds(200), deadline.Token);
                await Task.WhenAll(batch.Select(m => receiver.CompleteMessageAsync(m, deadline.Token)));
                Interlocked.Add(ref completed, batch.Count);
            }
        }, deadline.Token)).ToList();

        var sent = 0;
        while (sent < count)
        {
            using var batch = await sender.CreateMessageBatchAsync(deadline.Token);
            while (sent < count && batch.TryAddMessage(new ServiceBusMessage(body) { MessageId = $"{prefix}-{sent}" })) sent++;
            await sender.SendMessagesAsync(batch, deadline.Token);
        }
        await Task.WhenAll(receiving);
    }
}

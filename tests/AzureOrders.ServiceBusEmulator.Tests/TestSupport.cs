using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>Starts an emulator with the given entities and a client on it; disposed per test.</summary>
internal sealed class EmulatorScope : IAsyncDisposable
{
    EmulatorScope(ServiceBusEmulator emulator)
    {
        Emulator = emulator;
        Client = new ServiceBusClient(emulator.ConnectionString, new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { TryTimeout = TimeSpan.FromSeconds(10), MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(100) },
        });
    }

    public ServiceBusEmulator Emulator { get; }

    public ServiceBusClient Client { get; }

    public static async Task<EmulatorScope> StartAsync(EmulatorConfig config) => new(await ServiceBusEmulator.StartAsync(config, port: 0));

    public static Task<EmulatorScope> StartAsync(params QueueDefinition[] queues) => StartAsync(new EmulatorConfig { Queues = queues });

    public async Task<IReadOnlyList<ServiceBusReceivedMessage>> ReceiveAsync(ServiceBusReceiver receiver, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var received = new List<ServiceBusReceivedMessage>();
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            var batch = await receiver.ReceiveMessagesAsync(count - received.Count, TimeSpan.FromMilliseconds(500));
            received.AddRange(batch);
        }

        return received;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

internal static class Poll
{
    /// <summary>Polls until the condition holds or the deadline passes (no fixed sleeps in tests).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }
}

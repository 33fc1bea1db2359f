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

    public static async Task<EmulatorScope> StartAsync(EmulatorConfig config) => new(await TestEmulators.StartAsync(config, port: 0));

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

/// <summary>
/// Starts the emulators of this suite. SBEMU_TEST_DURABLE=1 gives each one a fresh data directory, so
/// the whole suite also runs against the durable store (acknowledgements after commit, journaled state).
/// </summary>
internal static class TestEmulators
{
    public static bool Durable { get; } = Environment.GetEnvironmentVariable("SBEMU_TEST_DURABLE") is "1" or "true";

    public static Task<ServiceBusEmulator> StartAsync(EmulatorConfig config, int port = 0, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        ServiceBusEmulator.StartAsync(config, new EmulatorOptions
        {
            Port = port,
            LoggerFactory = loggerFactory ?? DebugLog.Factory,
            TimeProvider = timeProvider,
            DataDirectory = Durable ? TempDirectory.NewPath() : null,
        });
}

/// <summary>A directory under the system temp folder, removed on dispose and, as a backstop, when the test process ends.</summary>
internal sealed class TempDirectory : IDisposable
{
    static readonly string Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sbemu-tests-{Environment.ProcessId}");

    static TempDirectory() => AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(Root);

    public string Path { get; } = NewPath();

    public static string NewPath() => System.IO.Path.Combine(Root, Guid.NewGuid().ToString("N"));

    public void Dispose() => TryDelete(Path);

    static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned eventually.
        }
    }
}

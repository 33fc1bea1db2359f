using System.Diagnostics;
using Azure.Messaging.ServiceBus;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>The console emulator with --data-dir, killed with SIGKILL: what the client saw acknowledged is there after a restart.</summary>
public class CrashTests
{
    const string Config = """
        { "UserConfig": { "Namespaces": [ { "Name": "sbemulatorns",
          "Queues": [ { "Name": "work", "Properties": { "RequiresDuplicateDetection": true, "MaxDeliveryCount": 10 } } ],
          "Topics": [ { "Name": "orders", "Properties": { "RequiresDuplicateDetection": true }, "Subscriptions": [ { "Name": "saga" } ] } ] } ],
          "Logging": { "Type": "Console" } } }
        """;

    /// <summary>The console emulator (its own Program) as a child process.</summary>
    sealed class EmulatorProcess : IDisposable
    {
        readonly Process process;
        readonly Task<string> errors;

        EmulatorProcess(Process process)
        {
            this.process = process;
            errors = process.StandardError.ReadToEndAsync(); // drained, so its log never blocks it
        }

        public string ConnectionString { get; private set; } = "";

        public static ProcessStartInfo StartInfo(string configFile, string dataDirectory) =>
            new("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "AzureOrders.ServiceBusEmulator.dll")}\" --config \"{configFile}\" --port {FreePort()} --data-dir \"{dataDirectory}\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

        public static async Task<EmulatorProcess> StartAsync(string configFile, string dataDirectory)
        {
            var child = new EmulatorProcess(Process.Start(StartInfo(configFile, dataDirectory))!);
            var firstLine = await child.process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (firstLine is null || !firstLine.StartsWith("Endpoint=", StringComparison.Ordinal))
            {
                child.process.Kill();
                throw new InvalidOperationException($"The emulator did not start: {firstLine} {await child.errors}");
            }

            child.ConnectionString = firstLine;
            return child;
        }

        /// <summary>SIGKILL: no shutdown code runs, no buffer is flushed by the emulator.</summary>
        public async Task KillAsync()
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    static ServiceBusClient Client(string connectionString) => new(connectionString, new ServiceBusClientOptions
    {
        // No retries: a retried send could land twice, and this test counts exactly.
        RetryOptions = new ServiceBusRetryOptions { TryTimeout = TimeSpan.FromSeconds(20), MaxRetries = 0 },
    });

    [Fact]
    public async Task After_kill_9_a_restart_on_the_same_directory_has_every_acknowledged_message_exactly_once_and_none_completed()
    {
        using var directory = new TempDirectory();
        var configFile = Path.Combine(directory.Path, "config.json");
        Directory.CreateDirectory(directory.Path);
        await File.WriteAllTextAsync(configFile, Config);
        var data = Path.Combine(directory.Path, "data");
        const int QueueMessages = 400, TopicMessages = 100, Completed = 100, Locked = 20;

        var completedIds = new HashSet<string>();
        var lockedIds = new HashSet<string>();
        using (var emulator = await EmulatorProcess.StartAsync(configFile, data))
        {
            await using var client = Client(emulator.ConnectionString);
            await using var queue = client.CreateSender("work");
            await using var topic = client.CreateSender("orders");
            // Batches and single sends in flight together, so commits carry many writers' changes.
            var sends = Enumerable.Range(0, QueueMessages / 50)
                .Select(b => queue.SendMessagesAsync(Enumerable.Range(b * 50, 50).Select(i => new ServiceBusMessage($"q{i}") { MessageId = $"q{i}" })))
                .Concat(Enumerable.Range(0, 4).Select(lane => Task.Run(async () =>
                {
                    for (var i = lane; i < TopicMessages; i += 4)
                    {
                        await topic.SendMessageAsync(new ServiceBusMessage($"t{i}") { MessageId = $"t{i}" });
                    }
                })));
            await Task.WhenAll(sends);

            await using var receiver = client.CreateReceiver("work", new ServiceBusReceiverOptions { PrefetchCount = 0 });
            var toLock = new List<ServiceBusReceivedMessage>();
            while (toLock.Count < Locked)
            {
                toLock.AddRange(await receiver.ReceiveMessagesAsync(Locked - toLock.Count, TimeSpan.FromSeconds(10)));
            }

            lockedIds.UnionWith(toLock.Select(m => m.MessageId)); // held, never settled
            while (completedIds.Count < Completed)
            {
                var batch = await receiver.ReceiveMessagesAsync(Completed - completedIds.Count, TimeSpan.FromSeconds(10));
                await Task.WhenAll(batch.Select(m => receiver.CompleteMessageAsync(m)));
                completedIds.UnionWith(batch.Select(m => m.MessageId));
            }

            // Right after the last acknowledgement: nothing gets a chance to flush later.
            await emulator.KillAsync();
        }

        using (var emulator = await EmulatorProcess.StartAsync(configFile, data))
        {
            await using var client = Client(emulator.ConnectionString);
            var queueIds = await DrainAsync(client.CreateReceiver("work", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete }), QueueMessages - Completed);
            var topicIds = await DrainAsync(client.CreateReceiver("orders", "saga", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete }), TopicMessages);

            var expectedQueue = Enumerable.Range(0, QueueMessages).Select(i => $"q{i}").Where(id => !completedIds.Contains(id)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expectedQueue, queueIds.Select(m => m.MessageId).Order(StringComparer.Ordinal).ToList());
            Assert.Equal(Enumerable.Range(0, TopicMessages).Select(i => $"t{i}").Order(StringComparer.Ordinal), topicIds.Select(m => m.MessageId).Order(StringComparer.Ordinal));
            // The held locks died with the process; their delivery was counted before the later completions committed.
            Assert.All(queueIds.Where(m => lockedIds.Contains(m.MessageId)), m => Assert.Equal(2, m.DeliveryCount));
            Assert.Equal(Locked, queueIds.Count(m => lockedIds.Contains(m.MessageId)));
        }
    }

    /// <summary>Receives until <paramref name="expected"/> arrived, then a little longer to catch any extra copy.</summary>
    static async Task<List<ServiceBusReceivedMessage>> DrainAsync(ServiceBusReceiver receiver, int expected)
    {
        await using var _ = receiver;
        var received = new List<ServiceBusReceivedMessage>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            received.AddRange(await receiver.ReceiveMessagesAsync(expected - received.Count + 10, TimeSpan.FromSeconds(1)));
        }

        received.AddRange(await receiver.ReceiveMessagesAsync(10, TimeSpan.FromMilliseconds(300)));
        return received;
    }

    [Fact]
    public async Task A_corrupt_store_stops_the_console_emulator_with_one_line_naming_the_file()
    {
        using var directory = new TempDirectory();
        var data = Path.Combine(directory.Path, "data");
        Directory.CreateDirectory(data);
        var configFile = Path.Combine(directory.Path, "config.json");
        await File.WriteAllTextAsync(configFile, Config);
        var store = Path.Combine(data, "servicebus-emulator.db");
        await File.WriteAllBytesAsync(store, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());

        using var process = Process.Start(EmulatorProcess.StartInfo(configFile, data))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, process.ExitCode);
        Assert.Equal("", await output);
        var line = Assert.Single((await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Service Bus emulator store '{store}': ", line);
        Assert.DoesNotContain(" at ", line.Replace(store, ""));
    }
}

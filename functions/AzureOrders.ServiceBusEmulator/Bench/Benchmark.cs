using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Bench;

/// <summary>
/// Sends, receives and completes N messages through the real client against an in-process emulator
/// and reports end-to-end messages per second: the clock runs from the first send to the last
/// completion, with senders (batches) and peek-lock receivers (batch receive, completions in flight
/// together) running at the same time, as a busy consumer would. Runs the emulator in memory and with
/// a data directory (every send and settlement committed before it is acknowledged) in alternating
/// rounds, so both figures see the same machine load, and prints them side by side.
/// </summary>
internal static class Benchmark
{
    const int Receivers = 2;

    interface IRunningEmulator : IAsyncDisposable
    {
        string ConnectionString { get; }
    }

    sealed class InProcessEmulator(ServiceBusEmulator emulator) : IRunningEmulator
    {
        public string ConnectionString => emulator.ConnectionString;

        public static async Task<IRunningEmulator> StartAsync(string? dataDirectory) =>
            new InProcessEmulator(await ServiceBusEmulator.StartAsync(new EmulatorConfig { Queues = [new QueueDefinition("bench")] }, new EmulatorOptions { DataDirectory = dataDirectory }));

        public ValueTask DisposeAsync() => emulator.DisposeAsync();
    }

    sealed class ChildProcessEmulator(Process process, string configFile, string connectionString) : IRunningEmulator
    {
        const string Config = """{ "UserConfig": { "Namespaces": [ { "Name": "sbemulatorns", "Queues": [ { "Name": "bench" } ], "Topics": [] } ], "Logging": { "Type": "Console" } } }""";

        public string ConnectionString => connectionString;

        public static async Task<IRunningEmulator> StartAsync(string? dataDirectory)
        {
            var configFile = Path.Combine(Path.GetTempPath(), $"sb-emulator-bench-{Environment.ProcessId}.json");
            await File.WriteAllTextAsync(configFile, Config);
            // Start this same program in console mode; under `dotnet x.dll` the host needs the dll path first.
            var host = Environment.ProcessPath ?? "dotnet";
            var entry = typeof(Benchmark).Assembly.Location;
            var arguments = Path.GetFileNameWithoutExtension(host) == "dotnet" ? $"\"{entry}\" " : string.Empty;
            var dataArgument = dataDirectory is null ? string.Empty : $" --data-dir \"{dataDirectory}\"";
            var process = Process.Start(new ProcessStartInfo(host, $"{arguments}--config \"{configFile}\" --port 0{dataArgument}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("Could not start the emulator process.");
            _ = process.StandardError.ReadToEndAsync(); // keep its log pipe from filling up
            var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return new ChildProcessEmulator(process, configFile, firstLine ?? throw new InvalidOperationException("The emulator process printed no connection string."));
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            File.Delete(configFile);
        }
    }
    const int ReceiveBatch = 200;

    /// <param name="inProcess">
    /// True hosts the emulator in this process (as tests do); false runs the console emulator in a child
    /// process (as <c>func start</c> users do), so client and broker do not share one thread pool and GC.
    /// </param>
    /// <param name="mode"><c>both</c> (alternating rounds, side by side), <c>memory</c> or <c>durable</c>.</param>
    public static async Task<bool> RunAsync(int messageCount, int bodySize, bool inProcess, string mode, int rounds, TextWriter output)
    {
        output.WriteLine($"emulator {(inProcess ? "in process" : "in a child process")}; client: 1 sender (batches), {Receivers} peek-lock receivers (batch receive, completions in flight together)");
        var modes = mode == "both" ? new[] { false, true } : [mode == "durable"];
        var rates = modes.ToDictionary(durable => durable, _ => new List<double>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var durable in modes)
            {
                var directory = durable ? Path.Combine(Path.GetTempPath(), $"sb-emulator-bench-{Environment.ProcessId}-{round}") : null;
                try
                {
                    output.Write($"round {round} {(durable ? "durable " : "in memory")}: ");
                    rates[durable].Add(await RunOnceAsync(messageCount, bodySize, inProcess, directory, output));
                }
                finally
                {
                    if (directory is not null && Directory.Exists(directory))
                    {
                        Directory.Delete(directory, recursive: true);
                    }
                }
            }
        }

        output.WriteLine();
        output.WriteLine($"{"msg/s",-44} {"best",7} {"median",7}  rounds");
        foreach (var (durable, list) in rates)
        {
            var label = durable ? "durable (--data-dir: WAL, fsync per commit)" : "in memory";
            output.WriteLine($"{label,-44} {list.Max(),7:F0} {Median(list),7:F0}  {string.Join(" / ", list.Select(r => r.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        if (rates.Count == 2)
        {
            output.WriteLine($"durable / in memory: {rates[true].Max() / rates[false].Max():P0} (best rounds), {Median(rates[true]) / Median(rates[false]):P0} (medians)");
        }

        return rates.Values.All(list => list.All(r => r > 0));
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static async Task<double> RunOnceAsync(int messageCount, int bodySize, bool inProcess, string? dataDirectory, TextWriter output)
    {
        await using var emulator = inProcess ? await InProcessEmulator.StartAsync(dataDirectory) : await ChildProcessEmulator.StartAsync(dataDirectory);
        await using var client = new ServiceBusClient(emulator.ConnectionString);
        await using var sender = client.CreateSender("bench");
        var receivers = Enumerable.Range(0, Receivers)
            .Select(_ => client.CreateReceiver("bench", new ServiceBusReceiverOptions { PrefetchCount = ReceiveBatch }))
            .ToList();

        // Warm up links and JIT (client and emulator share the process) so the figure measures sustained messaging.
        var body = new BinaryData(new byte[bodySize]);
        await RoundAsync(sender, receivers, body, Math.Min(messageCount, 3_000), "warmup");

        var stopwatch = Stopwatch.StartNew();
        var sendSeconds = await RoundAsync(sender, receivers, body, messageCount, "bench");
        stopwatch.Stop();
        foreach (var receiver in receivers)
        {
            await receiver.DisposeAsync();
        }

        var rate = messageCount / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"{messageCount} messages of {bodySize} bytes: all sent after {sendSeconds:F2} s, all received and completed after {stopwatch.Elapsed.TotalSeconds:F2} s, {rate:F0} msg/s end to end");
        return rate;
    }

    /// <summary>Sends <paramref name="messageCount"/> messages in batches while the receivers complete them; returns the seconds sending took.</summary>
    static async Task<double> RoundAsync(ServiceBusSender sender, IReadOnlyList<ServiceBusReceiver> receivers, BinaryData body, int messageCount, string prefix)
    {
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
            while (sent < messageCount && batch.TryAddMessage(new ServiceBusMessage(body) { MessageId = $"{prefix}-{sent}" }))
            {
                sent++;
            }

            await sender.SendMessagesAsync(batch);
        }

        var sendSeconds = stopwatch.Elapsed.TotalSeconds;
        await Task.WhenAll(receiving);
        if (completed < messageCount)
        {
            throw new TimeoutException($"Only {completed} of {messageCount} messages were completed.");
        }

        return sendSeconds;
    }
}

using System.Diagnostics;
using Azure.Messaging.ServiceBus;

namespace AzureOrders.Benchmarks;

/// <summary>
/// The console emulator in its own process (as `func start` users run it), driven with N messages from here; its
/// peak working set (VmHWM) is read from /proc before it is stopped.
/// </summary>
public static class EmulatorMemory
{
    private const string Config = """{ "UserConfig": { "Namespaces": [ { "Name": "sbemulatorns", "Queues": [ { "Name": "bench" } ], "Topics": [] } ], "Logging": { "Type": "Console" } } }""";

    public static async Task<(long PeakBytes, long AfterStartBytes, double Rate)> MeasureAsync(int messages, int bodyBytes, CancellationToken cancellationToken)
    {
        var dll = EmulatorDll();
        var configFile = Path.Combine(Path.GetTempPath(), $"azureorders-bench-emulator-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(configFile, Config, cancellationToken);
        using var process = Process.Start(new ProcessStartInfo("dotnet", $"\"{dll}\" --config \"{configFile}\" --port 0")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start the emulator");
        try
        {
            _ = process.StandardError.ReadToEndAsync(cancellationToken);
            var connectionString = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken)
                ?? throw new InvalidOperationException("the emulator printed no connection string");
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var afterStart = PeakOf(process.Id);
            await using var client = new ServiceBusClient(connectionString);
            await using var sender = client.CreateSender("bench");
            var receivers = Enumerable.Range(0, 2).Select(_ => client.CreateReceiver("bench", new ServiceBusReceiverOptions { PrefetchCount = 100 })).ToList();
            var stopwatch = Stopwatch.StartNew();
            await TransportCeiling.RoundAsync(sender, receivers, new BinaryData(new byte[bodyBytes]), messages, "mem", cancellationToken);
            var rate = messages / stopwatch.Elapsed.TotalSeconds;
            var peak = PeakOf(process.Id);
            foreach (var receiver in receivers) await receiver.DisposeAsync();
            return (peak, afterStart, rate);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            File.Delete(configFile);
        }
    }

    /// <summary>Peak resident set (VmHWM) of a process, in bytes.</summary>
    public static long PeakOf(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"no VmHWM for {pid}");
    }

    /// <summary>The emulator's own build output next to this project's (same configuration; built as a project reference).</summary>
    private static string EmulatorDll()
    {
        var mine = AppContext.BaseDirectory;
        var theirs = mine.Replace("AzureOrders.Benchmarks", "AzureOrders.ServiceBusEmulator", StringComparison.Ordinal);
        var dll = Path.Combine(theirs, "AzureOrders.ServiceBusEmulator.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the emulator first: {dll}");
    }
}

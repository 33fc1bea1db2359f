using AzureOrders.ServiceBusEmulator;
using AzureOrders.ServiceBusEmulator.Bench;
using AzureOrders.ServiceBusEmulator.Configuration;
using AzureOrders.ServiceBusEmulator.Hosting;
using Microsoft.Extensions.Logging;

// Console entry point:
//   dotnet run --project functions/AzureOrders.ServiceBusEmulator -- --config FILE [--port 5672] [--data-dir DIR] [--verbose]
//   dotnet run -c Release --project functions/AzureOrders.ServiceBusEmulator -- bench [--messages 10000] [--size 256] [--in-process] [--mode both|memory|durable] [--rounds 2]
var arguments = args.ToList();
if (arguments.Contains("--help") || arguments.Contains("-h"))
{
    Console.WriteLine("""
        AzureOrders Service Bus emulator (AMQP 1.0, loopback only)
          --config FILE   entities: the official emulator's Config.json or the project's topology.json (required)
          --port N        TCP port on 127.0.0.1 (default 5672; 0 picks a free one)
          --data-dir DIR  keep messages, sequence numbers and the duplicate-detection window in DIR
                          (created if missing) across restarts and crashes; without it, state is in memory
          --verbose       Debug logs: every AMQP frame, attach, transfer and disposition
          bench [--messages N] [--size BYTES] [--in-process] [--mode both|memory|durable] [--rounds N]
                          measure send+receive+complete through the real client, in memory and with a
                          data directory side by side (--mode both, the default), N alternating rounds
                          (default 2); the emulator runs in a child process unless --in-process
        """);
    return 0;
}

if (arguments.FirstOrDefault() == "bench")
{
    var mode = Option("--mode") ?? "both";
    if (mode is not ("both" or "memory" or "durable"))
    {
        Console.Error.WriteLine($"--mode must be both, memory or durable, not '{mode}'.");
        return 2;
    }

    var ok = await Benchmark.RunAsync(IntOption("--messages", 10_000), IntOption("--size", 256), arguments.Contains("--in-process"), mode, Math.Max(1, IntOption("--rounds", 2)), Console.Out);
    return ok ? 0 : 1;
}

var configPath = Option("--config");
if (configPath is null)
{
    Console.Error.WriteLine("--config FILE is required (see --help).");
    return 2;
}

var verbose = arguments.Contains("--verbose");
using var loggerFactory = new ConsoleLoggerFactory(verbose ? LogLevel.Debug : LogLevel.Information);
if (verbose)
{
    // Every AMQP frame at Debug. The library's hook is process-wide, which is fine in this dedicated process;
    // in-process hosts get the emulator's own Debug events (attach, transfer, disposition) instead.
    var frames = loggerFactory.CreateLogger("AzureOrders.ServiceBusEmulator.Frames");
    Microsoft.Azure.Amqp.AmqpTrace.FrameLogger = frame => frames.LogDebug("{Frame}", frame);
}

var config = ConfigFile.Load(configPath);
ServiceBusEmulator emulator;
try
{
    emulator = await ServiceBusEmulator.StartAsync(config, new EmulatorOptions
    {
        Port = IntOption("--port", 5672),
        DataDirectory = Option("--data-dir"),
        LoggerFactory = loggerFactory,
    });
}
catch (EmulatorStoreException e)
{
    // One line naming the file: the user's next step is about that file, not about a stack.
    Console.Error.WriteLine(e.Message);
    return 3;
}

await using var running = emulator;
Console.WriteLine(emulator.ConnectionString);

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
return 0;

string? Option(string name)
{
    var index = arguments.IndexOf(name);
    return index >= 0 && index + 1 < arguments.Count ? arguments[index + 1] : null;
}

int IntOption(string name, int fallback) => Option(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

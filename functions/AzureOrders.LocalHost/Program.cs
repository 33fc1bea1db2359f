using System.Runtime.InteropServices;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Demo;

// dotnet run --project functions/AzureOrders.LocalHost [-- demo --orders N --seed S] [--port P]
// The command, when given, comes first; option values (--port 8080) are never mistaken for it.
var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
if (command is not ("run" or "demo") || args.Contains("--help"))
{
    Console.Error.WriteLine("usage: AzureOrders.LocalHost [run] [--port 7071] [--servicebus-port 5672] [--telemetry console]");
    Console.Error.WriteLine("       AzureOrders.LocalHost demo [--orders 500] [--seed 42] [--port 7071]");
    return 2;
}

var port = IntOption("--port", 7071);
using var stop = new CancellationTokenSource();
// SIGINT (Ctrl+C, or `kill -INT -- -PGID` for the whole group) and SIGTERM (service managers) stop the runner in
// order: consumers, HTTP, saga workers, then the Node.js children, within 10 s. A second signal forces the exit.
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    if (Interlocked.Increment(ref signals) > 1)
    {
        Console.Error.WriteLine("Second signal: exiting now.");
        Environment.Exit(130);
    }
    Console.Error.WriteLine($"{context.Signal}: stopping (send it again to force) ...");
    stop.Cancel();
    // Whatever hangs, the process ends: 10 s is the promise.
    _ = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ =>
    {
        Console.Error.WriteLine("Shutdown did not finish within 10 s: exiting.");
        Environment.Exit(1);
    }, TaskScheduler.Default);
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

LocalSystem system;
try
{
    Console.WriteLine("Starting the embedded Service Bus emulator, Cosmos server and Azurite ...");
    system = await LocalSystem.StartAsync(new LocalSystemOptions
    {
        Port = port,
        ServiceBusPort = IntOption("--servicebus-port", 5672),
        TelemetryConsole = StringOption("--telemetry") == "console",
    }, [.. args.Where(a => a.Contains('='))], stop.Token);
}
catch (Exception e) when (e is EmbeddedEndpointException or PortInUseException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}

// A child that dies on its own (killed, crashed) takes the system down with a clear line, not a loop of connection errors.
using var childDied = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
string? deadChild = null;
var shuttingDown = false;
_ = system.ChildExited.ContinueWith(t =>
{
    if (stop.IsCancellationRequested || Volatile.Read(ref shuttingDown)) return;
    deadChild = t.Result;
    Console.Error.WriteLine($"{deadChild} exited unexpectedly; stopping.");
    childDied.Cancel();
}, TaskScheduler.Default);

await using (system)
{
    try
    {
        Console.WriteLine($"AzureOrders is running: {system.BaseAddress}orders (POST), {system.BaseAddress}orders/{{id}} (GET), {system.BaseAddress}health");
        Console.WriteLine($"Service Bus: {system.Endpoints.ServiceBus.ConnectionString}");
        Console.WriteLine($"Cosmos DB:   {system.Endpoints.Cosmos.Endpoint}");
        if (command == "run")
        {
            Console.WriteLine("Press Ctrl+C to stop.");
            try { await Task.Delay(Timeout.Infinite, childDied.Token); } catch (OperationCanceledException) { }
            Console.WriteLine("Stopping ...");
            return deadChild is null ? 0 : 1;
        }

        var options = new DemoOptions { Orders = IntOption("--orders", 500), Seed = IntOption("--seed", 42) };
        DemoReport report;
        try
        {
            report = await new DemoRunner(system, Console.Out, TimeProvider.System).RunAsync(options, childDied.Token);
        }
        catch (OperationCanceledException) when (childDied.IsCancellationRequested)
        {
            Console.WriteLine("Demo stopped before it finished.");
            return deadChild is null ? 0 : 1;
        }
        DemoRunner.Print(report, Console.Out);
        Console.WriteLine(report.Passed ? "All invariants hold." : "An invariant FAILED.");
        return report.Passed ? 0 : 1;
    }
    finally
    {
        // From here on the children stop because we stop them.
        Volatile.Write(ref shuttingDown, true);
    }
}

string? StringOption(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int IntOption(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}

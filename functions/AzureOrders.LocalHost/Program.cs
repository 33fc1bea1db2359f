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
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // shut down in order: consumers, HTTP, then the Node.js children
    stop.Cancel();
};

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
catch (EmbeddedEndpointException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

await using (system)
{
    Console.WriteLine($"AzureOrders is running: {system.BaseAddress}orders (POST), {system.BaseAddress}orders/{{id}} (GET), {system.BaseAddress}health");
    Console.WriteLine($"Service Bus: {system.Endpoints.ServiceBus.ConnectionString}");
    Console.WriteLine($"Cosmos DB:   {system.Endpoints.Cosmos.Endpoint}");
    if (command == "run")
    {
        Console.WriteLine("Press Ctrl+C to stop.");
        try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
        Console.WriteLine("Stopping ...");
        return 0;
    }

    var options = new DemoOptions { Orders = IntOption("--orders", 500), Seed = IntOption("--seed", 42) };
    var report = await new DemoRunner(system, Console.Out, TimeProvider.System).RunAsync(options, stop.Token);
    DemoRunner.Print(report, Console.Out);
    Console.WriteLine(report.Passed ? "All invariants hold." : "An invariant FAILED.");
    return report.Passed ? 0 : 1;
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

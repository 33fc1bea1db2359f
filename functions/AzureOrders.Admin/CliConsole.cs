namespace AzureOrders.Admin;

/// <summary>Where the CLI reads and writes, so tests run it in process with captured output and scripted answers.</summary>
public sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, Func<string, string?> Environment, TimeProvider Time)
{
    public static CliConsole System => new(Console.In, Console.Out, Console.Error, global::System.Environment.GetEnvironmentVariable, TimeProvider.System);
}

namespace AzureOrders.Admin;

/// <summary>Where the CLI reads and writes, so tests run it in process with captured output, scripted answers and their own environment.</summary>
/// <param name="WorkingDirectory">Where the azd environment (.azure/) is looked for; null: the process's current directory.</param>
/// <param name="ErrorIsTerminal">Progress overwrites one line on a terminal and prints lines when stderr is redirected.</param>
public sealed record CliConsole(
    TextReader In,
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> Environment,
    TimeProvider Time,
    string? WorkingDirectory = null,
    bool ErrorIsTerminal = false)
{
    public static CliConsole System => new(Console.In, Console.Out, Console.Error, global::System.Environment.GetEnvironmentVariable,
        TimeProvider.System, global::System.Environment.CurrentDirectory, !Console.IsErrorRedirected);
}

/// <summary>Wrong arguments found after parsing (e.g. a connection string the SDK refuses): printed with a hint to --help, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

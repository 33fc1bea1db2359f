using AzureOrders.Admin;

namespace AzureOrders.Admin.Tests;

/// <summary>The CLI's entry method run in process: arguments, stdin and environment in; exit code and captured output out.</summary>
public static class CliRunner
{
    public sealed record Run(int ExitCode, string Out, string Error)
    {
        public IReadOnlyList<string> OutLines => Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
    }

    public static Task<Run> RunAsync(params string[] args) => RunAsync(new Options(), args);

    public static async Task<Run> RunAsync(Options options, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = options.Environment ?? new Dictionary<string, string>();
        // An empty folder by default, so a developer's own .azure/ or variables never leak into a test.
        var workingDirectory = options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), "azureorders-cli-tests-empty");
        Directory.CreateDirectory(workingDirectory);
        var console = new CliConsole(new StringReader(options.Input), stdout, stderr, name => environment.GetValueOrDefault(name), TimeProvider.System, workingDirectory);
        var exitCode = await AdminCli.RunAsync(args, console);
        return new Run(exitCode, stdout.ToString(), stderr.ToString());
    }

    public sealed record Options
    {
        public string Input { get; init; } = "";
        public IReadOnlyDictionary<string, string>? Environment { get; init; }
        public string? WorkingDirectory { get; init; }
    }
}

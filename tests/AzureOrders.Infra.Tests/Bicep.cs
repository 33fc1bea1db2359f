using System.Diagnostics;

namespace AzureOrders.Infra.Tests;

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the bicep CLI from the NuGet package.</summary>
internal static class Bicep
{
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(InfraPaths.BicepPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? InfraPaths.Infra,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline and quiet: no telemetry, no update checks.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {InfraPaths.BicepPath}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', start.ArgumentList)} did not finish within 2 minutes.");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}

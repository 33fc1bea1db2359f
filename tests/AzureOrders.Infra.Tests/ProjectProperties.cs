using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

/// <summary>MSBuild's evaluated properties of a project (Directory.Build.props included), via `dotnet msbuild -getProperty`.</summary>
internal static class ProjectProperties
{
    public static string FunctionAppProject => Path.Combine(InfraPaths.RepoRoot, "functions", "AzureOrders.Functions", "AzureOrders.Functions.csproj");

    private static readonly Lazy<Task<IReadOnlyDictionary<string, string>>> FunctionApp =
        new(() => EvaluateAsync(FunctionAppProject, "TargetFramework", "AzureFunctionsVersion", "OutputType", "TreatWarningsAsErrors", "WarningsNotAsErrors", "WarningsAsErrors", "NuGetAudit"));

    public static Task<IReadOnlyDictionary<string, string>> OfFunctionAppAsync() => FunctionApp.Value;

    public static async Task<IReadOnlyDictionary<string, string>> EvaluateAsync(string project, params string[] names)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = InfraPaths.RepoRoot,
        };
        start.ArgumentList.Add("msbuild");
        start.ArgumentList.Add(project);
        start.ArgumentList.Add("-nologo");
        foreach (var name in names)
        {
            start.ArgumentList.Add($"-getProperty:{name}");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDNOINPROCNODE"] = null;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var output = (await stdout).Trim();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet msbuild {project} -getProperty failed ({process.ExitCode}): {output} {await stderr}");
        }

        // One property: the bare value. Several: {"Properties": {...}}.
        if (names.Length == 1)
        {
            return new Dictionary<string, string> { [names[0]] = output };
        }

        var properties = JsonNode.Parse(output)!["Properties"]!.AsObject();
        return properties.ToDictionary(p => p.Key, p => (string?)p.Value ?? string.Empty);
    }
}

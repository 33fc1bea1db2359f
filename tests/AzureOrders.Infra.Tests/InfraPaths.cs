using System.Reflection;
using System.Runtime.InteropServices;

namespace AzureOrders.Infra.Tests;

/// <summary>Where the repository, the bicep CLI and the shared reference schemas are.</summary>
internal static class InfraPaths
{
    private static string Metadata(string key) =>
        typeof(InfraPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is empty.");

    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("RepoRoot"));

    public static string Infra => Path.Combine(RepoRoot, "infra");

    public static string BicepPath { get; } = Metadata("BicepPath");

    /// <summary>The reference schemas live next to the repository (../shared/schemas); a user's clone has none.</summary>
    public static string SharedSchemas => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "schemas"));

    /// <summary>Null when bicep can run here; otherwise the reason, for a skip.</summary>
    public static string? BicepUnavailableReason
    {
        get
        {
            if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            {
                return $"The bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64, which runs on linux-x64 only; this machine is {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}.";
            }

            return File.Exists(BicepPath) ? null : $"The bicep CLI is missing at {BicepPath}: restore tests/AzureOrders.Infra.Tests.";
        }
    }
}

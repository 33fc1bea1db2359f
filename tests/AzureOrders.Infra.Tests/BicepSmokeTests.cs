namespace AzureOrders.Infra.Tests;

/// <summary>The bicep CLI from the NuGet package runs (issue 2, item 5).</summary>
public sealed class BicepSmokeTests
{
    [BicepFact]
    public async Task The_bicep_cli_from_the_nuget_package_runs_and_reports_its_version()
    {
        var result = await Bicep.RunAsync(["--version"]);

        Assert.True(result.ExitCode == 0, $"bicep --version exited with {result.ExitCode}: {result.StdErr}");
        Assert.Matches(@"^Bicep CLI version \d+\.\d+\.\d+", result.StdOut.Trim());
    }
}

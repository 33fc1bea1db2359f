using System.Text.RegularExpressions;

namespace AzureOrders.Infra.Tests;

/// <summary>
/// Every application setting the Bicep gives the Function App is read by something: the code (Functions app or Core),
/// or the Functions host for the settings listed here with the reason. A setting nobody reads misleads the operator
/// who changes it (e.g. CosmosDb__credential, which the code never read).
/// </summary>
public sealed partial class AppSettingsTests(SnapshotFixture snapshot) : IClassFixture<SnapshotFixture>
{
    /// <summary>Read by the Functions host or the platform, not by our code.</summary>
    private static readonly Dictionary<string, string> ReadByTheHost = new(StringComparer.Ordinal)
    {
        ["AzureWebJobsStorage__accountName"] = "host storage (leases, timers) and the Durable Functions task hub, identity-based",
        ["AzureWebJobsStorage__credential"] = "the same connection: managed identity",
        ["AzureWebJobsStorage__clientId"] = "the same connection: which user-assigned identity",
        ["ServiceBus__credential"] = "the Service Bus trigger's connection (Connection = \"ServiceBus\"): managed identity",
        ["ServiceBus__clientId"] = "the same connection: which user-assigned identity",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "the host's own telemetry to Application Insights with an Entra token (local auth is off)",
    };

    [BicepFact]
    public void Every_app_setting_is_read_by_the_code_or_by_the_functions_host()
    {
        var settings = snapshot.OfType("Microsoft.Web/sites/config").Single(c => ((string)c["name"]!).EndsWith("/appsettings", StringComparison.Ordinal))["properties"]!.AsObject();
        var sources = Sources();

        var unread = settings.Select(s => s.Key).Where(key => !ReadByTheHost.ContainsKey(key) && !IsReadByTheCode(key, sources)).ToList();

        Assert.True(unread.Count == 0, "App settings that neither the code nor the Functions host reads: " + string.Join(", ", unread));
        // The host's list is not a loophole: each entry is deployed.
        var listedButAbsent = ReadByTheHost.Keys.Where(k => !settings.ContainsKey(k)).ToList();
        Assert.True(listedButAbsent.Count == 0, "Listed as read by the host but not deployed: " + string.Join(", ", listedButAbsent));
    }

    [BicepFact]
    public void The_function_app_is_given_the_payment_gateway_and_notification_sender_it_refuses_to_start_without()
    {
        var settings = snapshot.OfType("Microsoft.Web/sites/config").Single(c => ((string)c["name"]!).EndsWith("/appsettings", StringComparison.Ordinal))["properties"]!.AsObject();

        Assert.Equal(AzureOrders.Payments.PaymentsOptions.SimulatorGateway, (string?)settings["Payments__Gateway"]);
        Assert.Contains((string?)settings["Notifications__Sender"], new[] { "Log", "InMemory" });
        Assert.False(settings.ContainsKey("CosmosDb__credential"), "The code never read CosmosDb__credential (its Cosmos client uses AZURE_CLIENT_ID).");
    }

    [Fact]
    public void The_check_finds_a_setting_the_code_reads_and_rejects_one_it_does_not()
    {
        var sources = Sources();

        Assert.True(IsReadByTheCode("CosmosDb__accountEndpoint", sources));
        Assert.True(IsReadByTheCode("Payments__Gateway", sources));
        Assert.True(IsReadByTheCode("AZURE_CLIENT_ID", sources));
        Assert.False(IsReadByTheCode("CosmosDb__credential", sources));
        Assert.False(IsReadByTheCode("Payments__Acquirer", sources));
    }

    /// <summary>
    /// A flat key (AZURE_CLIENT_ID) is read when it appears as a string literal. A sectioned key (Section__Name) is
    /// read when one source file names the section as a literal and reads Name in it: as a literal ("Name",
    /// "Section:Name") or as a bound options property (public ... Name { get; set; }).
    /// </summary>
    private static bool IsReadByTheCode(string key, IReadOnlyList<string> sources)
    {
        var parts = key.Split("__");
        if (parts.Length == 1)
        {
            return sources.Any(s => s.Contains($"\"{key}\"", StringComparison.Ordinal));
        }

        var section = parts[0];
        var name = parts[^1];
        var colonKey = string.Join(':', parts);
        var property = new Regex($@"\bpublic\s+[\w<>?,\s\[\]]+\s+{Regex.Escape(name)}\s*\{{\s*get;\s*(set|init);", RegexOptions.IgnoreCase);
        return sources.Any(s =>
            s.Contains($"\"{section}\"", StringComparison.Ordinal)
            && (s.Contains($"\"{name}\"", StringComparison.Ordinal) || s.Contains($"\"{colonKey}\"", StringComparison.Ordinal) || property.IsMatch(s)));
    }

    private static IReadOnlyList<string> Sources() =>
        new[] { "AzureOrders.Functions", "AzureOrders.Core" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(InfraPaths.RepoRoot, "functions", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
}

using System.Text.Json.Nodes;

namespace AzureOrders.Infra.Tests;

/// <summary>
/// `bicep snapshot` of infra/main.bicep with fixed ids: every resource azd would deploy, with computed names
/// and properties (values known only at deployment stay ARM expressions such as [reference(...).principalId]).
/// Runs once per test class.
/// </summary>
public class SnapshotFixture : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a2de";
    public const string TenantId = "00000000-0000-0000-0000-0000000071e1";
    public const string Location = "swedencentral";
    public const string EnvironmentName = "snapshot";
    public const string DeployingUserId = "11111111-2222-3333-4444-555555555555";

    public JsonArray Resources { get; private set; } = [];

    public JsonObject Outputs { get; private set; } = [];

    public string? FailureReason { get; private set; }

    /// <summary>The deploying user's object id passed as principalId ('' = none).</summary>
    protected virtual string PrincipalId => DeployingUserId;

    /// <summary>More `param x = y` lines for the .bicepparam.</summary>
    protected virtual string ExtraParameters => string.Empty;

    // One snapshot per fixture type for the whole run: several test classes assert on the same one (~5 s each).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Lazy<Task<SnapshotFixture>>> Snapshots = new();

    public async Task InitializeAsync()
    {
        if (InfraPaths.BicepUnavailableReason is not null)
        {
            return;
        }

        var shared = await Snapshots.GetOrAdd(GetType(), _ => new Lazy<Task<SnapshotFixture>>(async () =>
        {
            await TakeAsync();
            return this;
        })).Value;
        if (!ReferenceEquals(shared, this))
        {
            Resources = shared.Resources;
            Outputs = shared.Outputs;
            FailureReason = shared.FailureReason;
        }
    }

    private async Task TakeAsync()
    {

        var directory = Directory.CreateTempSubdirectory("azureorders-snapshot-");
        try
        {
            // A .bicepparam must name its template with a relative path.
            var template = Path.GetRelativePath(directory.FullName, Path.Combine(InfraPaths.Infra, "main.bicep")).Replace('\\', '/');
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "main.bicepparam"), $"""
                using '{template}'

                param environmentName = '{EnvironmentName}'
                param location = '{Location}'
                param principalId = '{PrincipalId}'
                param principalType = 'User'
                {ExtraParameters}
                """);

            var result = await Bicep.RunAsync(
                ["snapshot", "main.bicepparam", "--mode", "overwrite", "--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--location", Location],
                directory.FullName);
            var snapshotPath = Path.Combine(directory.FullName, "main.snapshot.json");
            if (result.ExitCode != 0 || !File.Exists(snapshotPath))
            {
                FailureReason = $"bicep snapshot failed ({result.ExitCode}): {result.StdOut} {result.StdErr}";
                return;
            }

            var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(snapshotPath))!;
            Resources = snapshot["predictedResources"]!.AsArray();
            Outputs = snapshot["outputs"]?.AsObject() ?? [];
            if (snapshot["diagnostics"]?.AsArray() is { Count: > 0 } diagnostics)
            {
                FailureReason = "bicep snapshot reported diagnostics: " + diagnostics.ToJsonString();
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void EnsureSucceeded() => Assert.True(FailureReason is null, FailureReason);

    public IReadOnlyList<JsonObject> OfType(string type)
    {
        EnsureSucceeded();
        return Resources.Select(r => r!.AsObject()).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    public JsonObject Single(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The last segment of a resource's name (child names are namespace/topic/subscription/rule).</summary>
    public static string ShortName(JsonObject resource) => ((string)resource["name"]!).Split('/')[^1];

    /// <summary>The name segments below the parent resource (topic/subscription/rule without the namespace).</summary>
    public static string[] NameSegments(JsonObject resource) => ((string)resource["name"]!).Split('/');
}

/// <summary>The same snapshot when azd knows no deploying user (AZURE_PRINCIPAL_ID empty), e.g. some pipelines.</summary>
public sealed class SnapshotWithoutUserFixture : SnapshotFixture
{
    protected override string PrincipalId => string.Empty;
}

/// <summary>The snapshot of a shared or production environment: the deploying user is known but gets no data roles; alerts mail the operators.</summary>
public sealed class SnapshotWithoutUserDataRolesFixture : SnapshotFixture
{
    public const string AlertEmail = "operators@example.com";

    protected override string ExtraParameters => $"param deployingUserDataRoles = false\nparam alertEmail = '{AlertEmail}'";
}

using System.Collections.ObjectModel;
using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

/// <summary>Container names as identifiers for the code; every one is defined in infra/cosmos-containers.json (checked when it loads).</summary>
public static class ContainerNames
{
    public const string Database = "azureorders";
    public const string Orders = "orders";
    public const string OrderViews = "order-views";
    public const string Inventory = "inventory";
    public const string Reservations = "reservations";
    public const string Payments = "payments";
    public const string Notifications = "notifications";

    internal static readonly string[] All = [Orders, OrderViews, Inventory, Reservations, Payments, Notifications];
}

/// <summary>
/// One container of infra/cosmos-containers.json: partition key path, TTL mode and the indexing policy (only what is
/// queried is indexed). Bicep deploys the same file, so the RU cost of a write is the same in Azure and in local runs.
/// </summary>
public sealed record ContainerSpec(string Name, string PartitionKeyPath, IReadOnlyList<string> IndexedPaths, string Purpose)
{
    /// <summary>-1: TTL on, items expire only with their own ttl (dedupe keys, dispatched outbox records).</summary>
    public int DefaultTimeToLive { get; init; } = -1;

    /// <summary>Paths kept out of the index: everything not in <see cref="IndexedPaths"/> ("/*").</summary>
    public IReadOnlyList<string> ExcludedPaths { get; init; } = ["/*"];

    /// <summary>The property name behind <see cref="PartitionKeyPath"/> (e.g. "orderId").</summary>
    public string PartitionKeyProperty => PartitionKeyPath.TrimStart('/');

    public ContainerProperties ToProperties()
    {
        var properties = new ContainerProperties(Name, PartitionKeyPath) { DefaultTimeToLive = DefaultTimeToLive };
        var policy = properties.IndexingPolicy;
        policy.Automatic = true;
        policy.IndexingMode = IndexingMode.Consistent;
        policy.IncludedPaths.Clear();
        policy.ExcludedPaths.Clear();
        foreach (var path in IndexedPaths) policy.IncludedPaths.Add(new IncludedPath { Path = path });
        foreach (var path in ExcludedPaths) policy.ExcludedPaths.Add(new ExcludedPath { Path = path });
        return properties;
    }
}

public static class Containers
{
    private const string ResourceName = "AzureOrders.cosmos-containers.json";

    /// <summary>infra/cosmos-containers.json as compiled into Core (the build embeds the file itself, so they cannot differ).</summary>
    public static string DefinitionJson { get; } = ReadEmbedded();

    /// <summary>The database that file names (equal to <see cref="ContainerNames.Database"/>, checked on load).</summary>
    public static string DatabaseName { get; private set; } = ContainerNames.Database;

    public static ReadOnlyCollection<ContainerSpec> All { get; } = Parse(DefinitionJson);

    /// <summary>Containers that hold outbox documents (the relay scans these).</summary>
    public static IEnumerable<ContainerSpec> WithOutbox => All.Where(c => c.IndexedPaths.Contains("/dispatched/?"));

    public static ContainerSpec Get(string name) => All.Single(c => c.Name == name);

    /// <summary>
    /// Creates the database and containers when missing: for local runs and tests only. In Azure, Bicep
    /// creates them and the app's identity has no control-plane rights.
    /// </summary>
    public static async Task EnsureCreatedAsync(CosmosClient client, string databaseName = ContainerNames.Database, CancellationToken cancellationToken = default)
    {
        var database = (await client.CreateDatabaseIfNotExistsAsync(databaseName, cancellationToken: cancellationToken)).Database;
        foreach (var spec in All)
            await database.CreateContainerIfNotExistsAsync(spec.ToProperties(), cancellationToken: cancellationToken);
    }

    private static string ReadEmbedded()
    {
        using var stream = typeof(Containers).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static ReadOnlyCollection<ContainerSpec> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        DatabaseName = root.GetProperty("databaseName").GetString() ?? throw Invalid("databaseName is null");
        if (DatabaseName != ContainerNames.Database) throw Invalid($"databaseName '{DatabaseName}' differs from ContainerNames.Database '{ContainerNames.Database}'");

        var specs = new List<ContainerSpec>();
        foreach (var c in root.GetProperty("containers").EnumerateArray())
        {
            var name = Text(c, "name");
            specs.Add(new ContainerSpec(name, Text(c, "partitionKey"), Paths(c, "includedPaths"), Text(c, "purpose"))
            {
                DefaultTimeToLive = c.GetProperty("defaultTtl").GetInt32(),
                ExcludedPaths = Paths(c, "excludedPaths"),
            });
        }

        // The code's names must all be defined there, and nothing defined there may be unknown to the code.
        var defined = specs.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (!defined.SetEquals(ContainerNames.All))
            throw Invalid($"containers [{string.Join(", ", defined.Order())}] differ from ContainerNames [{string.Join(", ", ContainerNames.All.Order())}]");
        return specs.AsReadOnly();
    }

    private static string Text(JsonElement e, string property) =>
        e.GetProperty(property).GetString() ?? throw Invalid($"{property} is null");

    private static string[] Paths(JsonElement e, string property) =>
        [.. e.GetProperty(property).EnumerateArray().Select(p => p.GetString() ?? throw Invalid($"{property} holds a null"))];

    private static InvalidOperationException Invalid(string problem) => new($"infra/cosmos-containers.json (embedded): {problem}.");
}

using System.Net;
using System.Text.Json;
using AzureOrders.Contracts;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Setup;

public sealed record SystemSetupOptions
{
    /// <summary>
    /// True (emulators, the embedded runner, key-based clients): create the database and containers when missing.
    /// False (Azure with Entra ID): only check that they exist, because Cosmos DB data-plane roles cannot create
    /// databases or containers; Bicep creates them.
    /// </summary>
    public bool CreateResources { get; init; } = true;

    /// <summary>Sets every catalog SKU's available stock back to the catalog's number, even where orders took some.</summary>
    public bool ResetStock { get; init; }
}

/// <summary>
/// Day-one setup of a Cosmos account, shared by <c>azureorders setup</c> and the local runner: the database and
/// containers, then the catalog (a product document and a stock document per SKU). Idempotent: a second run
/// changes nothing and reports so. Stock that exists is never reset unless asked (orders have taken from it), and
/// every write is conditional (create, or replace on the ETag just read), so running it against a live system
/// races safely with orders.
/// </summary>
public static class SystemSetup
{
    public static Task<SetupReport> RunAsync(CosmosClient client, string databaseName, IReadOnlyList<Product> catalog, CancellationToken cancellationToken) =>
        RunAsync(client, databaseName, catalog, new SystemSetupOptions(), cancellationToken);

    /// <exception cref="SetupPreconditionException">Without <see cref="SystemSetupOptions.CreateResources"/>: the database or a container is missing or has another partition key.</exception>
    public static async Task<SetupReport> RunAsync(CosmosClient client, string databaseName, IReadOnlyList<Product> catalog, SystemSetupOptions options, CancellationToken cancellationToken)
    {
        var items = new List<SetupItem>();
        items.AddRange(options.CreateResources
            ? await CreateResourcesAsync(client, databaseName, cancellationToken)
            : await VerifyResourcesAsync(client, databaseName, cancellationToken));

        var inventory = client.GetDatabase(databaseName).GetContainer(ContainerNames.Inventory);
        foreach (var product in catalog)
        {
            items.Add(await CatalogSeeding.UpsertProductAsync(inventory, product, cancellationToken));
            items.Add(await CatalogSeeding.EnsureStockAsync(inventory, product, options.ResetStock, cancellationToken));
        }
        var inCatalog = catalog.Select(p => p.Sku).ToHashSet(StringComparer.Ordinal);
        foreach (var sku in (await CatalogSeeding.ProductSkusAsync(inventory, cancellationToken)).Where(s => !inCatalog.Contains(s)))
            items.Add(new(SetupItemKind.Product, sku, SetupOutcome.Unchanged, "in the database but not in the catalog file: left as it is"));
        return new SetupReport(databaseName, options.CreateResources, items);
    }

    /// <summary>The catalog as the database holds it (product and stock documents), ordered by SKU.</summary>
    public static Task<IReadOnlyList<CatalogEntry>> ReadCatalogAsync(CosmosClient client, string databaseName, CancellationToken cancellationToken) =>
        CatalogSeeding.ReadAsync(client.GetDatabase(databaseName).GetContainer(ContainerNames.Inventory), cancellationToken);

    private static async Task<IReadOnlyList<SetupItem>> CreateResourcesAsync(CosmosClient client, string databaseName, CancellationToken cancellationToken)
    {
        var before = await ExistingContainersAsync(client, databaseName, cancellationToken);
        await Containers.EnsureCreatedAsync(client, databaseName, cancellationToken);
        var items = new List<SetupItem>
        {
            new(SetupItemKind.Database, databaseName, before is null ? SetupOutcome.Created : SetupOutcome.Unchanged, before is null ? "created" : "exists"),
        };
        foreach (var spec in Containers.All)
            items.Add(before is not null && before.ContainsKey(spec.Name)
                ? new(SetupItemKind.Container, spec.Name, SetupOutcome.Unchanged, $"exists (partition key {before[spec.Name]})")
                : new(SetupItemKind.Container, spec.Name, SetupOutcome.Created, $"created (partition key {spec.PartitionKeyPath})"));
        return items;
    }

    private static async Task<IReadOnlyList<SetupItem>> VerifyResourcesAsync(CosmosClient client, string databaseName, CancellationToken cancellationToken)
    {
        const string why = "In Azure, Bicep creates the database and containers (azd provision); this sign-in uses a Cosmos DB data-plane role, which cannot create them.";
        var existing = await ExistingContainersAsync(client, databaseName, cancellationToken)
            ?? throw new SetupPreconditionException($"database '{databaseName}' does not exist on {client.Endpoint}. {why}");
        var problems = new List<string>();
        foreach (var spec in Containers.All)
        {
            if (!existing.TryGetValue(spec.Name, out var partitionKey)) problems.Add($"container '{spec.Name}' is missing");
            else if (!string.Equals(partitionKey, spec.PartitionKeyPath, StringComparison.Ordinal))
                problems.Add($"container '{spec.Name}' has partition key {partitionKey ?? "(none)"}, the code needs {spec.PartitionKeyPath}");
        }
        if (problems.Count > 0)
            throw new SetupPreconditionException($"database '{databaseName}' on {client.Endpoint}: {string.Join("; ", problems)}. {why}");
        return
        [
            new(SetupItemKind.Database, databaseName, SetupOutcome.Unchanged, "exists (checked, not created: Bicep owns it)"),
            .. Containers.All.Select(spec => new SetupItem(SetupItemKind.Container, spec.Name, SetupOutcome.Unchanged,
                $"exists (partition key {spec.PartitionKeyPath}; checked, not created)")),
        ];
    }

    /// <summary>Container name to partition key path, or null when the database does not exist. Needs only metadata-read rights.</summary>
    private static async Task<Dictionary<string, string?>?> ExistingContainersAsync(CosmosClient client, string databaseName, CancellationToken cancellationToken)
    {
        var database = client.GetDatabase(databaseName);
        using (var read = await database.ReadStreamAsync(cancellationToken: cancellationToken))
        {
            if (read.StatusCode == HttpStatusCode.NotFound) return null;
            read.EnsureSuccessStatusCode();
        }
        var containers = new Dictionary<string, string?>(StringComparer.Ordinal);
        using var iterator = database.GetContainerQueryStreamIterator();
        while (iterator.HasMoreResults)
        {
            using var page = await iterator.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            foreach (var container in json.RootElement.GetProperty("DocumentCollections").EnumerateArray())
            {
                string? partitionKey = container.TryGetProperty("partitionKey", out var pk) && pk.TryGetProperty("paths", out var paths) && paths.GetArrayLength() > 0
                    ? paths[0].GetString()
                    : null;
                containers[container.GetProperty("id").GetString()!] = partitionKey;
            }
        }
        return containers;
    }
}

using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

/// <summary>Container names and partition key paths (kept equal to infra/cosmos-containers.json, which Bicep reads).</summary>
public static class ContainerNames
{
    public const string Database = "azureorders";
    public const string Orders = "orders";
    public const string OrderViews = "order-views";
    public const string Inventory = "inventory";
    public const string Reservations = "reservations";
    public const string Payments = "payments";
    public const string Notifications = "notifications";
}

/// <summary>One container: partition key path, TTL mode and the indexing policy (only what is queried).</summary>
public sealed record ContainerSpec(string Name, string PartitionKeyPath, IReadOnlyList<string> IndexedPaths, string Purpose)
{
    /// <summary>-1: TTL on, items expire only with their own ttl (dedupe keys, dispatched outbox records).</summary>
    public int DefaultTimeToLive => -1;

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
        // Everything else stays out of the index: writes cost fewer RUs and payloads are never filtered on.
        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }
}

public static class Containers
{
    // The outbox relay's query: WHERE c.dispatched = false AND c.storedAtMs < @before (cross-partition).
    private static readonly string[] OutboxPaths = ["/kind/?", "/dispatched/?", "/storedAtMs/?"];

    public static ReadOnlyCollection<ContainerSpec> All { get; } = new(
    [
        new(ContainerNames.Orders, "/streamId", OutboxPaths,
            "Event-sourced order streams (one partition per order): a head snapshot for optimistic concurrency, the events (which are the outbox), dedupe keys."),
        new(ContainerNames.OrderViews, "/orderId", ["/kind/?", "/customerId/?", "/status/?"],
            "Read model: status and timeline per order, built from every service's events."),
        new(ContainerNames.Inventory, "/sku", ["/kind/?"],
            "Stock per SKU plus one hold document per (SKU, order) so decrements and releases are exact and idempotent."),
        new(ContainerNames.Reservations, "/orderId", OutboxPaths,
            "Reservation per order (lines held, status), with the Inventory service's dedupe keys and outbox."),
        new(ContainerNames.Payments, "/orderId", OutboxPaths,
            "One payment per order (orderId is the idempotency key), with dedupe keys and outbox."),
        new(ContainerNames.Notifications, "/orderId", OutboxPaths,
            "Notifications sent per order, with dedupe keys and outbox."),
    ]);

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
}

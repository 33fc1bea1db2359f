using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

/// <summary>One Cosmos DB endpoint shared by every Cosmos test class; each test gets its own container.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosServerFixture>
{
    public const string Name = "Cosmos";
}

/// <summary>Base for Cosmos tests: a fresh container per test, so tests never see each other's items.</summary>
[Collection(CosmosCollection.Name)]
public abstract class CosmosTestBase(CosmosServerFixture cosmos) : IAsyncLifetime
{
    private Database? database;

    protected CosmosServerFixture Cosmos { get; } = cosmos;

    protected Container Container { get; private set; } = null!;

    /// <summary>Override to shape the container (partition key path, TTL, ...).</summary>
    protected virtual ContainerProperties ContainerProperties(string id) => new(id, "/pk");

    public virtual async Task InitializeAsync()
    {
        database = await Cosmos.CreateDatabaseAsync("foundation");
        Container = (await database.CreateContainerAsync(ContainerProperties("items"))).Container;
    }

    public async Task DisposeAsync()
    {
        if (database is not null) await database.DeleteAsync();
    }

    /// <summary>Reads every result of a query through the SDK's iterator (all pages).</summary>
    protected static async Task<List<T>> ReadAllAsync<T>(FeedIterator<T> iterator)
    {
        var results = new List<T>();
        while (iterator.HasMoreResults) results.AddRange(await iterator.ReadNextAsync());
        return results;
    }
}

/// <summary>The item shape the Cosmos tests store.</summary>
public sealed record TestItem(string id, string pk, int n = 0, string? status = null, int? ttl = null);

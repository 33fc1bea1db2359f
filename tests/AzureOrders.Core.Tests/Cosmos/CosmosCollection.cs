using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>One embedded Cosmos server for every Cosmos test class; each test gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosServerFixture>
{
    public const string Name = "cosmos";
}

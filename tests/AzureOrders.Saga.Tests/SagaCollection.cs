using AzureOrders.Testing;

namespace AzureOrders.Saga.Tests;

/// <summary>One embedded Cosmos server for the saga tests; each test gets its own database and Durable host.</summary>
[CollectionDefinition(Name)]
public sealed class SagaCollection : ICollectionFixture<CosmosServerFixture>
{
    public const string Name = "saga";
}

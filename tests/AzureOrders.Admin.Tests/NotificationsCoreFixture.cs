using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Admin.Tests;

/// <summary>Core over the embedded Cosmos server (as tests/AzureOrders.Functions.Tests/CoreFixture), recording what it publishes and notifies.</summary>
public sealed class NotificationsCoreFixture : IAsyncLifetime
{
    private readonly CosmosServerFixture cosmos = new();
    private CosmosClient? client;

    public RecordingEventPublisher Publisher { get; } = new();
    public InMemoryNotificationSender Sender { get; } = new();
    public CoreServices Core { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await cosmos.InitializeAsync();
        client = CosmosClientFactory.Create(cosmos.ConnectionString);
        Core = new CoreServices(client, Publisher, TimeProvider.System,
            new CoreOptions { DatabaseName = $"deadletters-{Guid.NewGuid():N}" }, notificationSender: Sender);
        await Core.InitializeLocalAsync();
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        await cosmos.DisposeAsync();
    }
}

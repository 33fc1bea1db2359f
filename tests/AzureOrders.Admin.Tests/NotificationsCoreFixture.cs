using AzureOrders.Notifications;
using AzureOrders.Testing;

namespace AzureOrders.Admin.Tests;

/// <summary>The system composed by the shared harness builder over the embedded Cosmos server, recording what it publishes and notifies.</summary>
public sealed class NotificationsCoreFixture : IAsyncLifetime
{
    private readonly CosmosServerFixture cosmos = new();

    public TestSystem System { get; private set; } = null!;
    public RecordingEventPublisher Publisher => System.Publisher;
    public InMemoryNotificationSender Sender => System.Get<InMemoryNotificationSender>();

    public async Task InitializeAsync()
    {
        await cosmos.InitializeAsync();
        System = await new TestSystemBuilder(cosmos.ConnectionString, "deadletters").StartAsync();
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        await cosmos.DisposeAsync();
    }
}

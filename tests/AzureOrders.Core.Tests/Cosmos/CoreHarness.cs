using System.Text;
using AzureOrders.Contracts;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Core wired to the embedded Cosmos server with a fresh database per test, a recording publisher, a
/// manual clock and a round-trip counter in the client pipeline.
/// </summary>
public sealed class CoreHarness : IAsyncDisposable
{
    private CoreHarness(CosmosClient client, RoundTripCounter counter, CoreServices core, RecordingEventPublisher publisher, ManualTimeProvider time,
        SimulatedPaymentGateway gateway, InMemoryNotificationSender sender)
    {
        Client = client;
        Counter = counter;
        Core = core;
        Publisher = publisher;
        Time = time;
        Gateway = gateway;
        Sender = sender;
    }

    public CosmosClient Client { get; }
    public RoundTripCounter Counter { get; }
    public CoreServices Core { get; }
    public RecordingEventPublisher Publisher { get; }
    public ManualTimeProvider Time { get; }
    public SimulatedPaymentGateway Gateway { get; }
    public InMemoryNotificationSender Sender { get; }
    public Database Database => Core.Database;

    /// <param name="configureClient">Extra client settings, e.g. <see cref="CosmosWireFaults.Under"/> to inject faults below the SDK.</param>
    public static async Task<CoreHarness> StartAsync(CosmosServerFixture fixture, CoreOptions? options = null, Action<CosmosClientOptions>? configureClient = null)
    {
        var counter = new RoundTripCounter { Enabled = false };
        var client = CosmosClientFactory.Create(fixture.ConnectionString, o =>
        {
            o.CustomHandlers.Add(counter);
            configureClient?.Invoke(o);
        });
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var publisher = new RecordingEventPublisher();
        var gateway = new SimulatedPaymentGateway(time);
        var sender = new InMemoryNotificationSender();
        options = (options ?? new CoreOptions()) with { DatabaseName = $"core-{Guid.NewGuid():N}" };
        var core = new CoreServices(client, publisher, time, options, gateway, sender);
        await core.InitializeLocalAsync();
        counter.Enabled = true;
        return new CoreHarness(client, counter, core, publisher, time, gateway, sender);
    }

    /// <summary>Delivers an envelope to a consumer's pipeline as the broker would (Subject = eventType).</summary>
    public Task<Settlement> DeliverAsync(string consumer, Envelope envelope, int deliveryCount = 1) =>
        Core.Pipelines[consumer].ProcessAsync(new InboundMessage(envelope.ToUtf8Bytes(), envelope.EventId.ToString(), envelope.EventType, deliveryCount), CancellationToken.None);

    private int _sequence;

    /// <summary>A message as the saga (or a test) would send it, with a stable id per call order.</summary>
    public Envelope Message<T>(T payload, Guid? correlationId = null, Guid? eventId = null) where T : class =>
        Envelopes.Create(payload,
            eventId ?? DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"test|{Database.Id}|{Interlocked.Increment(ref _sequence)}"),
            correlationId ?? DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"correlation|{Database.Id}"),
            null, Services.Saga, Time.GetUtcNow());

    public async Task<T?> ReadAsync<T>(string container, string id, string partitionKey) where T : class =>
        await Database.GetContainer(container).TryReadItemAsync<T>(id, new PartitionKey(partitionKey), CancellationToken.None);

    public static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    public async ValueTask DisposeAsync()
    {
        try { await Database.DeleteAsync(); } catch (CosmosException) { /* the server goes away with the fixture anyway */ }
        Client.Dispose();
    }
}

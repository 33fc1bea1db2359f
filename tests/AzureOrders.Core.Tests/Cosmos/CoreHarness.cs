using System.Text;
using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Core's services composed by the shared <see cref="TestSystemBuilder"/> over the embedded Cosmos server (a fresh
/// database per test), with a recording publisher, a manual clock and a round-trip counter in the client pipeline.
/// </summary>
public sealed class CoreHarness(TestSystem system, RoundTripCounter counter) : IAsyncDisposable
{
    public TestSystem System => system;
    public RoundTripCounter Counter => counter;
    public RecordingEventPublisher Publisher => system.Publisher;
    public ManualTimeProvider Time => (ManualTimeProvider)system.Get<TimeProvider>();
    public SimulatedPaymentGateway Gateway => system.Get<SimulatedPaymentGateway>();
    public InMemoryNotificationSender Sender => system.Get<InMemoryNotificationSender>();
    public Database Database => system.Database;
    public CosmosClient Client => system.Get<CosmosClient>();
    public PlaceOrderService PlaceOrder => system.Get<PlaceOrderService>();
    public OrderLifecycle Orders => system.Get<OrderLifecycle>();
    public OrderStream Streams => system.Get<OrderStream>();
    public OrderViews Views => system.Get<OrderViews>();
    public StockLedger Stock => system.Get<StockLedger>();
    public IOutboxStore Outbox => system.Get<IOutboxStore>();
    public OutboxRelay Relay => system.Get<OutboxRelay>();

    /// <param name="configure">Settings or services beyond the defaults (e.g. <c>b => b.WithSetting("Orders:EmitVersion", ...)</c>).</param>
    /// <param name="configureClient">Extra client settings, e.g. <see cref="CosmosWireFaults.Under"/> to inject faults below the SDK.</param>
    public static async Task<CoreHarness> StartAsync(CosmosServerFixture fixture, Action<TestSystemBuilder>? configure = null, Action<CosmosClientOptions>? configureClient = null)
    {
        var counter = new RoundTripCounter { Enabled = false };
        var builder = new TestSystemBuilder(fixture.ConnectionString, "core")
            .WithTime(new ManualTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero)))
            .ConfigureCosmos(o =>
            {
                o.CustomHandlers.Add(counter);
                configureClient?.Invoke(o);
            });
        configure?.Invoke(builder);
        var system = await builder.StartAsync();
        counter.Enabled = true;
        return new CoreHarness(system, counter);
    }

    /// <summary>Delivers an envelope to a consumer as the broker would (Subject = eventType) and returns the pipeline's decision.</summary>
    public Task<Settlement> DeliverAsync(string consumer, Envelope envelope, int deliveryCount = 1) => system.DeliverAsync(consumer, envelope, deliveryCount);

    /// <summary>A message as the saga (or a test) would send it, with a stable id per call order.</summary>
    public Envelope Message<T>(T payload, Guid? correlationId = null, Guid? eventId = null) where T : class => system.Message(payload, correlationId, eventId);

    public Task<T?> ReadAsync<T>(string container, string id, string partitionKey) where T : class =>
        Database.GetContainer(container).TryReadItemAsync<T>(id, new PartitionKey(partitionKey), CancellationToken.None);

    public static ReadOnlyMemory<byte> Json(string json) => Encoding.UTF8.GetBytes(json);

    public ValueTask DisposeAsync() => system.DisposeAsync();
}

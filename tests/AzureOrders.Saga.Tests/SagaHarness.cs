using System.Text;
using System.Text.Json;
using AzureOrders.Contracts;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Hosting;
using AzureOrders.Inventory;
using AzureOrders.Functions.Consumers;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.Orders.Saga;
using AzureOrders.Orders;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Saga.Tests;

/// <summary>
/// The saga as it runs in production, minus Azure: the system composed by the shared harness builder (the same
/// registrations as the Function App) with the real orchestrator and activities on the in-process Durable backend,
/// Core's services and handlers on the embedded Cosmos server (a fresh database per harness), and every delivery
/// made by the one dispatcher, fed by <see cref="InMemoryBus"/> where a test needs to hold or repeat a message.
/// </summary>
public sealed class SagaHarness : IAsyncDisposable
{
    /// <summary>Besides the seed catalog: a SKU with no stock, one with little, and one Orders sells but Inventory does not stock.</summary>
    public const string SoldOut = "SOLDOUT-900";
    public const string Scarce = "SCARCE-901";
    public const int ScarceStock = 20;
    public const string Discontinued = "DISCONTINUED-902";

    public static readonly IReadOnlyList<Product> Catalog =
        [.. SeedProductCatalog.Seed, new(SoldOut, "Sold out", 500, 0), new(Scarce, "Scarce", 700, ScarceStock), new(Discontinued, "Discontinued", 900, 0)];

    private SagaHarness(TestSystem system, InMemoryBus bus, SagaOptions options)
    {
        System = system;
        Bus = bus;
        Options = options;
    }

    public TestSystem System { get; }
    public InMemoryBus Bus { get; }
    public SagaOptions Options { get; }
    public Database Database => System.Database;
    public SimulatedPaymentGateway Gateway => System.Get<SimulatedPaymentGateway>();
    public DurableTaskClient Client => System.Get<DurableTaskClient>();
    public EmbeddedDurableBackend Backend => System.Get<EmbeddedDurableBackend>();

    /// <summary>The Function App's consumer adapter over this system's dispatcher (for calling its triggers).</summary>
    public ServiceBusConsumer Consumer => new(System.Dispatcher, System.Get<Topology>(), System.Get<DurableClientAccessor>());

    /// <summary>Short waits and quick retries by default: timers run on the wall clock.</summary>
    public static SagaOptions FastOptions(TimeSpan? payment = null, TimeSpan? compensation = null, int compensationAttempts = 2) => new()
    {
        Timeouts = new SagaTimeouts
        {
            Reservation = TimeSpan.FromSeconds(30),
            Payment = payment ?? TimeSpan.FromSeconds(30),
            Release = compensation ?? TimeSpan.FromSeconds(30),
            Void = compensation ?? TimeSpan.FromSeconds(30),
            CompensationAttempts = compensationAttempts,
        },
        Retry = new SagaRetry { MaxAttempts = 5, FirstInterval = TimeSpan.FromMilliseconds(100), BackoffCoefficient = 2, MaxInterval = TimeSpan.FromSeconds(1) },
    };

    public static async Task<SagaHarness> StartAsync(CosmosServerFixture fixture, SagaOptions? options = null)
    {
        options ??= FastOptions();
        var bus = new InMemoryBus(Topology.Default, TimeProvider.System);
        var system = await new TestSystemBuilder(fixture.ConnectionString, "saga")
            .WithCatalog(Catalog)
            .WithDurableSaga(keepHistories: true)
            // Delayed retries as configured in Azure but quicker: the tests wait on the wall clock.
            .WithSetting("Messaging:DelayedRetry:FirstDelay", "00:00:00.050")
            .WithSetting("Messaging:DelayedRetry:MaxDelay", "00:00:00.500")
            .ConfigureServices(services =>
            {
                services.AddSingleton<IEventPublisher>(bus);
                services.AddSingleton<IDelayedRetryScheduler>(bus);
                services.PostConfigure<SagaOptions>(o => (o.Timeouts, o.Retry) = (options.Timeouts, options.Retry));
            })
            .StartAsync();
        bus.Connect(system.Dispatcher);
        await system.Database.GetContainer(ContainerNames.Inventory).DeleteItemAsync<StockDocument>(StockDocument.DocumentId, new PartitionKey(Discontinued));
        return new SagaHarness(system, bus, options);
    }

    /// <summary>Places an order through the Orders service; its order.placed starts the saga through orders/saga.</summary>
    public async Task<string> PlaceAsync(string orderId, string customerId, params (string Sku, int Quantity)[] lines)
    {
        var items = lines.Select(l => (l.Sku, l.Quantity, Price: Catalog.Single(p => p.Sku == l.Sku).PriceInCents)).ToList();
        var json = $$"""
            {"orderId":"{{orderId}}","customerId":"{{customerId}}","items":[{{string.Join(",", items.Select(i => $$"""{"sku":"{{i.Sku}}","quantity":{{i.Quantity}},"priceInCents":{{i.Price}}}"""))}}],"totalInCents":{{items.Sum(i => i.Quantity * i.Price)}}}
            """;
        var result = await System.Get<PlaceOrderService>().PlaceAsync(Encoding.UTF8.GetBytes(json), null, CancellationToken.None);
        Assert.IsType<PlaceOrderResult.Accepted>(result);
        return orderId;
    }

    /// <summary>The saga's custom status, null before it exists or set one.</summary>
    public async Task<SagaStatus?> StatusAsync(string orderId) => (await SagaProgress.ReadAsync(Client, orderId))?.Status;

    public async Task<SagaResult> CompletionAsync(string orderId, TimeSpan? timeout = null)
    {
        // Polled: the in-process host's WaitForInstanceCompletionAsync does not return for an instance that
        // completed before the call. Null while order.placed is still travelling through the bus.
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        OrchestrationMetadata? instance;
        while ((instance = await Client.GetInstanceAsync(orderId, getInputsAndOutputs: true, cancel.Token)) is not { IsCompleted: true })
            await Task.Delay(25, cancel.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
        return instance.ReadOutputAs<SagaResult>()!;
    }

    /// <summary>Polls until the condition holds (no sleeps standing in for awaits).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(25);
        }
    }

    public Task<OrderHeadDocument?> OrderAsync(string orderId) => System.Get<OrderStream>().ReadHeadAsync(orderId, CancellationToken.None);

    public Task<PaymentDocument?> PaymentAsync(string orderId) =>
        Database.GetContainer(ContainerNames.Payments).TryReadItemAsync<PaymentDocument>(PaymentDocument.DocumentId, new PartitionKey(orderId), CancellationToken.None);

    public Task<StockDocument?> StockAsync(string sku) => System.Get<StockLedger>().ReadAsync(sku, CancellationToken.None);

    /// <summary>The hold documents of a SKU (read raw: Core's serializer has no metadata for arrays of them).</summary>
    public async Task<IReadOnlyList<(string OrderId, int Quantity)>> HoldsAsync(string sku)
    {
        var query = new QueryDefinition("SELECT c.orderId, c.quantity FROM c WHERE c.kind = @kind").WithParameter("@kind", "hold");
        using var iterator = Database.GetContainer(ContainerNames.Inventory)
            .GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(sku) });
        var holds = new List<(string, int)>();
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync();
            response.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(response.Content);
            holds.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray()
                .Select(d => (d.GetProperty("orderId").GetString()!, d.GetProperty("quantity").GetInt32())));
        }
        return holds;
    }

    /// <summary>Money the gateway still holds for an order's capture (0 after a refund, absent when never captured).</summary>
    public long CapturedFor(string orderId) =>
        Gateway.Captured.TryGetValue($"ch_{DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"gateway|{orderId}"):N}", out var held) ? held : 0;

    public ValueTask DisposeAsync() => System.DisposeAsync();
}

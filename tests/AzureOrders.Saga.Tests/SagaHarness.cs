using System.Text;
using System.Text.Json;
using AzureOrders.Contracts;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Hosting;
using AzureOrders.Inventory;
using AzureOrders.Messaging;
using AzureOrders.Orders;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Saga.Tests;

/// <summary>
/// The saga as it runs in production, minus Azure: the in-process Durable host with the real orchestrator and
/// activities, Core's real services and handlers on the embedded Cosmos server (a fresh database per harness),
/// and an in-memory bus following the topology between them.
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

    private SagaHarness(CosmosClient cosmos, CoreServices core, InMemoryBus bus, SimulatedPaymentGateway gateway, DurableTaskTestHost host,
        EmbeddedDurableBackend backend, int port, SagaOptions options)
    {
        Backend = backend;
        Cosmos = cosmos;
        Core = core;
        Bus = bus;
        Gateway = gateway;
        Host = host;
        Port = port;
        Options = options;
    }

    public CosmosClient Cosmos { get; }
    public CoreServices Core { get; }
    public InMemoryBus Bus { get; }
    public SimulatedPaymentGateway Gateway { get; }
    public DurableTaskTestHost Host { get; }
    public DurableTaskClient Client => Host.Client;
    public EmbeddedDurableBackend Backend { get; }
    public int Port { get; }
    public SagaOptions Options { get; }
    public SagaConsumer Saga => Host.Services.GetRequiredService<SagaConsumer>();

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
        var cosmos = CosmosClientFactory.Create(fixture.ConnectionString);
        var bus = new InMemoryBus(Topology.Default);
        var time = TimeProvider.System;
        var gateway = new SimulatedPaymentGateway(time);
        var core = new CoreServices(cosmos, bus, time, new CoreOptions { DatabaseName = $"saga-{Guid.NewGuid():N}" }, gateway,
            catalog: new SeedProductCatalog(Catalog));
        await core.InitializeLocalAsync();
        await core.Database.GetContainer(ContainerNames.Inventory).DeleteItemAsync<StockDocument>(StockDocument.DocumentId, new PartitionKey(Discontinued));

        var port = EmbeddedDurableSidecar.FreeLoopbackPort();
        var backend = new EmbeddedDurableBackend(maxConcurrentWorkItems: 256, keepHistories: true);
        var host = await SagaTestHost.StartAsync(backend, port,
            registry => registry.AddOrderSaga(),
            services => services
                .AddSingleton(core)
                .AddSingleton<IEventPublisher>(bus)
                .AddSingleton(time)
                .AddOrderSaga(options));
        bus.Connect(core, host.Services.GetRequiredService<SagaConsumer>(), host.Client);
        return new SagaHarness(cosmos, core, bus, gateway, host, backend, port, options);
    }

    /// <summary>Places an order through the Orders service; its order.placed starts the saga through orders/saga.</summary>
    public async Task<string> PlaceAsync(string orderId, string customerId, params (string Sku, int Quantity)[] lines)
    {
        var items = lines.Select(l => (l.Sku, l.Quantity, Price: Catalog.Single(p => p.Sku == l.Sku).PriceInCents)).ToList();
        var json = $$"""
            {"orderId":"{{orderId}}","customerId":"{{customerId}}","items":[{{string.Join(",", items.Select(i => $$"""{"sku":"{{i.Sku}}","quantity":{{i.Quantity}},"priceInCents":{{i.Price}}}"""))}}],"totalInCents":{{items.Sum(i => i.Quantity * i.Price)}}}
            """;
        var result = await Core.PlaceOrder.PlaceAsync(Encoding.UTF8.GetBytes(json), null, CancellationToken.None);
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

    public Task<OrderHeadDocument?> OrderAsync(string orderId) => Core.Streams.ReadHeadAsync(orderId, CancellationToken.None);

    public Task<PaymentDocument?> PaymentAsync(string orderId) =>
        Core.Database.GetContainer(ContainerNames.Payments).TryReadItemAsync<PaymentDocument>(PaymentDocument.DocumentId, new PartitionKey(orderId), CancellationToken.None);

    public Task<StockDocument?> StockAsync(string sku) => Core.Stock.ReadAsync(sku, CancellationToken.None);

    /// <summary>The hold documents of a SKU (read raw: Core's serializer has no metadata for arrays of them).</summary>
    public async Task<IReadOnlyList<(string OrderId, int Quantity)>> HoldsAsync(string sku)
    {
        var query = new QueryDefinition("SELECT c.orderId, c.quantity FROM c WHERE c.kind = @kind").WithParameter("@kind", "hold");
        using var iterator = Core.Database.GetContainer(ContainerNames.Inventory)
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

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try { await Core.Database.DeleteAsync(); } catch (CosmosException) { /* the server goes away with the fixture anyway */ }
        Cosmos.Dispose();
    }
}

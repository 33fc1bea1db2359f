using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Hosting;

public sealed record CoreOptions
{
    public string DatabaseName { get; init; } = ContainerNames.Database;
    public PlaceOrderOptions PlaceOrder { get; init; } = new();
    public PipelineOptions Pipeline { get; init; } = new();
    public GatewaySimulatorOptions Gateway { get; init; } = new();
    public GatewayResilienceOptions GatewayResilience { get; init; } = new();
}

/// <summary>
/// The composition root every host shares (Function App, local runner, tests): one pipeline per consumer of
/// the topology, the PlaceOrder and order-lifecycle services, the outbox relay. Hosts only adapt messages
/// (InboundMessage in, Settlement out) and provide the IEventPublisher.
/// </summary>
public sealed class CoreServices
{
    public CoreServices(
        CosmosClient cosmos,
        IEventPublisher publisher,
        TimeProvider time,
        CoreOptions? options = null,
        IPaymentGateway? gateway = null,
        INotificationSender? notificationSender = null,
        IProductCatalog? catalog = null,
        Topology? topology = null)
    {
        Options = options ?? new CoreOptions();
        Time = time;
        Topology = topology ?? Topology.Default;
        Database = cosmos.GetDatabase(Options.DatabaseName);
        Catalog = catalog ?? new SeedProductCatalog();
        Gateway = gateway ?? new SimulatedPaymentGateway(time, Options.Gateway);
        // Whatever the gateway, the handlers call it through the timeout and circuit breaker.
        var resilientGateway = new ResilientPaymentGateway(Gateway, time, Options.GatewayResilience);
        NotificationSender = notificationSender ?? new InMemoryNotificationSender();

        Outbox = new CosmosOutboxStore(Database, time);
        Dispatcher = new OutboxDispatcher(publisher, Outbox, Topology);
        Relay = new OutboxRelay(Outbox, Dispatcher);

        Streams = new OrderStream(Database, time);
        PlaceOrder = new PlaceOrderService(Streams, Catalog, Dispatcher, time, Options.PlaceOrder);
        Orders = new OrderLifecycle(Streams, Dispatcher, time);
        Stock = new StockLedger(Database, time);
        var reservations = new ReservationStore(Database, time);
        var payments = new PaymentStore(Database, time);

        Pipelines = new Dictionary<string, MessagePipeline>(StringComparer.Ordinal)
        {
            [Services.Orders] = Pipeline(Services.Orders, new OrderViewProjectionHandler(Database, time)),
            [Services.Inventory] = Pipeline(Services.Inventory,
                new ReserveInventoryHandler(reservations, Stock, time),
                new ReleaseInventoryHandler(reservations, Stock, time)),
            [Services.Payments] = Pipeline(Services.Payments,
                new CapturePaymentHandler(payments, resilientGateway, time),
                new VoidPaymentHandler(payments, resilientGateway, time),
                new RefundPaymentHandler(payments, resilientGateway, time)),
            [Services.Notifications] = Pipeline(Services.Notifications, new OrderNotificationHandler(Database, NotificationSender, time)),
        };
    }

    public CoreOptions Options { get; }
    public TimeProvider Time { get; }
    public Topology Topology { get; }
    public Database Database { get; }
    public IProductCatalog Catalog { get; }
    /// <summary>The gateway as given (the simulator by default); handlers reach it through <see cref="ResilientPaymentGateway"/>.</summary>
    public IPaymentGateway Gateway { get; }
    public INotificationSender NotificationSender { get; }
    public IOutboxStore Outbox { get; }
    public OutboxDispatcher Dispatcher { get; }
    public OutboxRelay Relay { get; }
    public OrderStream Streams { get; }
    public PlaceOrderService PlaceOrder { get; }
    public OrderLifecycle Orders { get; }
    public StockLedger Stock { get; }

    /// <summary>Pipelines by consumer name (the topology's "consumer" of a subscription or queue). The saga consumes elsewhere.</summary>
    public IReadOnlyDictionary<string, MessagePipeline> Pipelines { get; }

    /// <summary>The pipeline for a received message's entity: e.g. ("payments", "order-views") or ("inventory-commands", null).</summary>
    public MessagePipeline PipelineFor(string entityName, string? subscriptionName) =>
        Pipelines[Topology.EndpointFor(entityName, subscriptionName).Consumer];

    /// <summary>Reads the order-views read model (GET /api/orders/{id}); null when no event of the order has been projected yet.</summary>
    public Task<OrderViewDocument?> ReadOrderViewAsync(string orderId, CancellationToken cancellationToken) =>
        CosmosOutboxStore.TryReadAsync<OrderViewDocument>(Database.GetContainer(ContainerNames.OrderViews), orderId, new PartitionKey(orderId), cancellationToken);

    /// <summary>Local runs and tests: create the database and containers and seed stock from the catalog.</summary>
    public async Task InitializeLocalAsync(CancellationToken cancellationToken = default)
    {
        await Containers.EnsureCreatedAsync(Database.Client, Options.DatabaseName, cancellationToken);
        await Stock.SeedAsync(Catalog.All, cancellationToken);
    }

    private MessagePipeline Pipeline(string consumer, params IMessageHandler[] handlers) =>
        new(consumer, handlers, Dispatcher, Outbox, Time, Options.Pipeline);
}

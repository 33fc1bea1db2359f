using AzureOrders.Contracts;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.Orders.Saga;
using AzureOrders.Persistence;
using AzureOrders.ServiceBus;
using AzureOrders.Setup;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AzureOrders.Testing;

/// <summary>
/// The one harness builder: the system composed with the same registrations as the Function App and the local runner
/// (AddAzureOrdersServices over the Cosmos store), against the embedded Cosmos server (a fresh database per system),
/// with a recording publisher, and optionally the project's Service Bus emulator with endpoint processors and the
/// saga on an in-process Durable backend. Tests change only what they must (clock, catalog, settings, services).
/// </summary>
public sealed class TestSystemBuilder(string cosmosConnectionString, string databasePrefix = "test")
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        // Deployments must choose these explicitly; tests choose the simulators.
        ["Payments:Gateway"] = "Simulator",
        ["Notifications:Sender"] = "InMemory",
        // The in-memory Durable backend accepts a second start of a pending instance; real backends refuse it.
        ["Saga:SerializeStarts"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
    };
    private readonly List<Action<IServiceCollection>> _configure = [];
    private readonly List<Action<CosmosClientOptions>> _cosmos = [];
    private TimeProvider _time = TimeProvider.System;
    private IReadOnlyList<Product>? _catalog;
    private string? _serviceBus;
    private bool _processors = true;
    private (bool Enabled, bool KeepHistories, int Concurrency) _durable;
    private bool _setup = true;

    /// <summary>Unique per system, so tests sharing one Cosmos server never see each other's data.</summary>
    public string DatabaseName { get; } = $"{databasePrefix}-{Guid.NewGuid():N}";

    public TestSystemBuilder WithTime(TimeProvider time) { _time = time; return this; }

    public TestSystemBuilder WithCatalog(IEnumerable<Product> products) { _catalog = [.. products]; return this; }

    public TestSystemBuilder WithSetting(string key, string? value) { _settings[key] = value; return this; }

    public TestSystemBuilder ConfigureServices(Action<IServiceCollection> configure) { _configure.Add(configure); return this; }

    /// <summary>Client settings below the SDK, e.g. a request counter or injected faults.</summary>
    public TestSystemBuilder ConfigureCosmos(Action<CosmosClientOptions> configure) { _cosmos.Add(configure); return this; }

    /// <summary>Publish and receive through a Service Bus namespace (the embedded emulator's connection string).</summary>
    /// <param name="processors">False: nothing receives; the test hands messages to the dispatcher itself.</param>
    public TestSystemBuilder WithServiceBus(string connectionString, bool processors = true)
    {
        _serviceBus = connectionString;
        _processors = processors;
        return this;
    }

    /// <summary>Run the saga's orchestrator and activities on the in-process Durable backend (with its own work-item limit).</summary>
    public TestSystemBuilder WithDurableSaga(bool keepHistories = true, int concurrency = 256)
    {
        _durable = (true, keepHistories, concurrency);
        return this;
    }

    /// <summary>Start on whatever the Cosmos account holds: the test runs setup itself, as an operator would.</summary>
    public TestSystemBuilder WithoutSetup() { _setup = false; return this; }

    public async Task<TestSystem> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(c => c.SingleLine = true);
        var services = builder.Services;
        services.AddSingleton(_time);
        services.AddSingleton(new ConnectionSettings(_serviceBus, null, cosmosConnectionString, null, DatabaseName, null));
        foreach (var configure in _cosmos) services.ConfigureCosmosClient((_, options) => configure(options));
        services.AddCosmosStore(cosmosConnectionString, null, DatabaseName);

        if (_serviceBus is { } connection)
        {
            services.AddServiceBusTransport(connection, null);
            services.AddSingleton(sp => new RecordingEventPublisher(sp.GetRequiredService<ServiceBusEventPublisher>()));
        }
        else
        {
            services.AddSingleton(_ => new RecordingEventPublisher());
            services.AddSingleton<RecordingRetryScheduler>();
            services.AddSingleton<IDelayedRetryScheduler>(sp => sp.GetRequiredService<RecordingRetryScheduler>());
        }
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<RecordingEventPublisher>());
        services.AddSingleton<DispatchRecorder>();
        services.AddSingleton<IDispatchObserver>(sp => sp.GetRequiredService<DispatchRecorder>());
        if (_catalog is { } catalog) services.AddSingleton<IProductCatalog>(new SeedProductCatalog(catalog));

        services.AddAzureOrdersServices(builder.Configuration);
        if (_durable.Enabled) services.AddEmbeddedDurableTask(registry => registry.AddOrderSaga(), _durable.Concurrency, _durable.KeepHistories);
        if (_serviceBus is not null && _processors) services.AddEndpointProcessors(builder.Configuration);
        foreach (var configure in _configure) configure(services);

        var host = builder.Build();
        // Even without setup: an empty database (as after provisioning) with a routable rid.
        await AvoidUnroutableResourceIdAsync(host.Services.GetRequiredService<CosmosClient>(), cancellationToken);
        if (_setup) await SystemSetup.RunAsync(host.Services.GetRequiredService<CosmosClient>(), DatabaseName, host.Services.GetRequiredService<IProductCatalog>().All, cancellationToken);
        await host.StartAsync(cancellationToken);
        return new TestSystem(host, DatabaseName);
    }

    /// <summary>
    /// The embedded Cosmos server numbers databases with a counter and writes the rid in plain base64, so every 64th or
    /// so database gets a rid with a '/' in it (e.g. gAA/AA==). Real Cosmos DB never hands those out; the SDK builds
    /// query paths from the rid and gets 404 "stale cache" for every query in such a database, failing whichever test
    /// happens to get it. Creating the database here and trading such a rid for the next one keeps tests independent
    /// of how many ran before them.
    /// </summary>
    private async Task AvoidUnroutableResourceIdAsync(CosmosClient client, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var created = await client.CreateDatabaseIfNotExistsAsync(DatabaseName, cancellationToken: cancellationToken);
            var rid = created.Resource.SelfLink?.Trim('/') is { } self && self.StartsWith("dbs/", StringComparison.Ordinal) ? self["dbs/".Length..] : "";
            if (!rid.Contains('/', StringComparison.Ordinal)) return;
            await created.Database.DeleteAsync(cancellationToken: cancellationToken);
        }
    }
}

/// <summary>A running composition (see <see cref="TestSystemBuilder"/>).</summary>
public sealed class TestSystem(IHost host, string databaseName) : IAsyncDisposable
{
    private int _sequence;

    public IServiceProvider Services => host.Services;

    public T Get<T>() where T : notnull => host.Services.GetRequiredService<T>();

    public Database Database => Get<Database>();

    public RecordingEventPublisher Publisher => Get<RecordingEventPublisher>();

    /// <summary>The delayed retries scheduled (systems without a broker).</summary>
    public RecordingRetryScheduler Retries => Get<RecordingRetryScheduler>();

    public DispatchRecorder Dispatches => Get<DispatchRecorder>();

    public MessageDispatcher Dispatcher => Get<MessageDispatcher>();

    /// <summary>The endpoint of <paramref name="consumer"/> that receives <paramref name="messageType"/> (its first one when none names it).</summary>
    public Endpoint EndpointOf(string consumer, string? messageType = null)
    {
        var endpoints = Get<Topology>().EndpointsOf(consumer).ToList();
        return endpoints.FirstOrDefault(e => messageType is not null && e.MessageTypes.Contains(messageType)) ?? endpoints.First();
    }

    /// <summary>Hands an envelope to the dispatcher as the broker would (Subject = eventType) and returns what it decided.</summary>
    public async Task<Settlement> DeliverAsync(string consumer, Envelope envelope, int deliveryCount = 1, IReadOnlyDictionary<string, object?>? properties = null) =>
        (await DispatchAsync(EndpointOf(consumer, envelope.EventType), InboundOf(envelope, deliveryCount, properties))).Settlement;

    public Task<DispatchResult> DispatchAsync(Endpoint endpoint, InboundMessage message, ISettlementActions? actions = null) =>
        Dispatcher.DispatchAsync(endpoint, message, actions ?? new RecordingSettlementActions(), CancellationToken.None);

    public static InboundMessage InboundOf(Envelope envelope, int deliveryCount = 1, IReadOnlyDictionary<string, object?>? properties = null) =>
        new(envelope.ToUtf8Bytes(), envelope.EventId.ToString(), envelope.EventType, deliveryCount, properties,
            envelope.CorrelationId.ToString("D"), "application/json");

    /// <summary>A message as the saga (or a test) would send it, with a stable id per call order.</summary>
    public Envelope Message<T>(T payload, Guid? correlationId = null, Guid? eventId = null) where T : class =>
        Envelopes.Create(payload,
            eventId ?? DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"test|{databaseName}|{Interlocked.Increment(ref _sequence)}"),
            correlationId ?? DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"correlation|{databaseName}"),
            null, Contracts.Services.Saga, Get<TimeProvider>().GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        try { await host.StopAsync(); }
        finally
        {
            try { await Database.DeleteAsync(); } catch (CosmosException) { /* the server goes away with the fixture anyway */ }
            host.Dispose();
        }
    }
}

using AzureOrders.Api;
using AzureOrders.DeadLetters;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Orders.Saga;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.ServiceBus;
using Microsoft.Extensions.Hosting;

namespace AzureOrders.LocalHost;

public sealed record LocalSystemOptions
{
    /// <summary>HTTP port on 127.0.0.1 (7071, as `func start`); 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 7071;

    /// <summary>AMQP port of the embedded Service Bus emulator; 0 (the default, for tests) picks a free one. The runner uses 5672.</summary>
    public int ServiceBusPort { get; init; }

    /// <summary>Latency of the simulated payment gateway ("slow" customers get ten times this).</summary>
    public TimeSpan GatewayLatency { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Per subscription or queue, as host.json's serviceBus settings for the Function App.</summary>
    public ProcessorOptions Processors { get; init; } = new();

    /// <summary>Delayed retries (the same dispatcher as the Function App); tests shorten them.</summary>
    public Messaging.Dispatch.DelayedRetryOptions? DelayedRetry { get; init; }

    public SagaOptions? Saga { get; init; }

    /// <summary>Saga work items (orchestration steps, activities) the in-process Durable backend runs at once.</summary>
    public int DurableConcurrency { get; init; } = 256;

    /// <summary>Keep every saga's full history (tests that replay it); otherwise only its length is kept.</summary>
    public bool KeepSagaHistories { get; init; }

    /// <summary>Fault injection for reliability runs (Cosmos 429/503 on the wire, ServerBusy, crash points, redelivery); null in normal runs.</summary>
    public Faults.FaultInjector? Faults { get; init; }

    /// <summary>Print spans and metrics to the console (<c>--telemetry console</c>).</summary>
    public bool TelemetryConsole { get; init; }

    /// <summary>Adds to the OpenTelemetry setup, e.g. an in-memory exporter in tests.</summary>
    public Action<OpenTelemetry.IOpenTelemetryBuilder>? ConfigureTelemetry { get; init; }

    /// <summary>How often the consumer-lag gauges are refreshed from the emulator's counts.</summary>
    public TimeSpan LagSampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra configuration (e.g. Logging levels); command-line style key=value pairs.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Last word on the services (tests: a gateway with an outage switch, say).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The local runner's composition root: embedded endpoints, Core over them, every consumer of the topology,
/// the saga on the in-process Durable Task backend, and the HTTP API that the Function App serves.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    private readonly LocalEndpoints _endpoints;
    private readonly WebApplication _app;

    private LocalSystem(LocalEndpoints endpoints, WebApplication app, Uri baseAddress)
    {
        _endpoints = endpoints;
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:PORT/api/</summary>
    public Uri BaseAddress { get; }

    public LocalEndpoints Endpoints => _endpoints;

    public IServiceProvider Services => _app.Services;

    /// <summary>A service of the running system (stores, the dispatcher, the gateway simulator ...).</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<LocalSystem> StartAsync(LocalSystemOptions? options = null, string[]? args = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalSystemOptions();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.Configuration.AddInMemoryCollection(options.Configuration);
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");

        using var startupLogging = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(c => c.SingleLine = true));
        LocalEndpoints endpoints;
        try
        {
            endpoints = await LocalEndpoints.StartAsync(options.ServiceBusPort, startupLogging, cancellationToken);
        }
        catch (Exception e) when (options.ServiceBusPort != 0 && PortInUseException.IsAddressInUse(e))
        {
            throw new PortInUseException(options.ServiceBusPort, "the Service Bus emulator's AMQP port", "--servicebus-port", e);
        }
        try
        {
            builder.Configuration.AddInMemoryCollection(Settings(endpoints, options));
            Compose(builder.Services, builder.Configuration, options);
            LocalTelemetry.Add(builder, endpoints, options);
            var app = builder.Build();
            MapApi(app);

            await LocalStore.InitializeAsync(app.Services, cancellationToken);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception e) when (options.Port != 0 && PortInUseException.IsAddressInUse(e))
            {
                await app.DisposeAsync();
                throw new PortInUseException(options.Port, "the HTTP API", "--port", e);
            }
            // With port 0 Kestrel picks the port; the server's address feature knows which.
            var address = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());
            return new LocalSystem(endpoints, app, new Uri(address, "/api/"));
        }
        catch
        {
            await endpoints.DisposeAsync();
            throw;
        }
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Completes with the name of the first Node.js child that exits while the system runs.</summary>
    public Task<string> ChildExited => _endpoints.ChildExited;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            await _endpoints.DisposeAsync();
        }
    }

    /// <summary>
    /// The local runner's settings, written as the Function App's app settings are: connection strings of the embedded
    /// endpoints under the trigger's keys, and the simulators chosen explicitly (a deployment must choose too).
    /// </summary>
    private static Dictionary<string, string?> Settings(LocalEndpoints endpoints, LocalSystemOptions options)
    {
        var settings = new Dictionary<string, string?>
        {
            [ConnectionSettings.ServiceBusSection] = endpoints.ServiceBus.ConnectionString,
            [ConnectionSettings.CosmosSection] = endpoints.Cosmos.ConnectionString,
            ["Payments:Gateway"] = PaymentsOptions.SimulatorGateway,
            ["Payments:Simulator:Latency"] = options.GatewayLatency.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Sender"] = NotificationsOptions.InMemorySender,
            // The in-memory Durable backend accepts a second start of a pending instance; real backends refuse it.
            ["Saga:SerializeStarts"] = "true",
        };
        foreach (var (key, value) in options.Configuration) settings.TryAdd(key, value);
        return settings;
    }

    private static void Compose(IServiceCollection services, IConfiguration configuration, LocalSystemOptions options)
    {
        var time = TimeProvider.System;
        services.AddSingleton(time);
        services.AddSingleton<IHostLifetime, RunnerLifetime>();
        // Stopping is bounded: Program gives the whole shutdown 10 s, the Node.js children need the last seconds.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<ConsumerStatistics>();
        services.AddSingleton<Messaging.Dispatch.IDispatchObserver>(sp => sp.GetRequiredService<ConsumerStatistics>());
        services.AddSingleton<CosmosRoundTrips>();
        services.ConfigureCosmosClient((sp, cosmos) => cosmos.CustomHandlers.Add(sp.GetRequiredService<CosmosRoundTrips>()));

        var faults = options.Faults ?? new Faults.FaultInjector();
        services.AddSingleton(faults);
        if (options.Faults is not null)
        {
            // Fault runs: Cosmos 429/503 on the wire, ServerBusy and crashes around publishing, crashes before settling.
            services.ConfigureCosmosClient((_, cosmos) =>
                cosmos.HttpClientFactory = () => new HttpClient(new Faults.CosmosFaultHandler(faults) { InnerHandler = LoopbackCosmosHandler() }));
            services.AddSingleton<ServiceBusEventPublisher>();
            services.AddSingleton<IEventPublisher>(sp => new Faults.FaultingEventPublisher(sp.GetRequiredService<ServiceBusEventPublisher>(), faults, time));
            services.AddSingleton<Messaging.Dispatch.IDispatchObserver>(faults);
        }

        services.AddAzureOrders(configuration);
        services.Configure<ProcessorOptions>(p =>
        {
            p.MaxConcurrentCalls = options.Processors.MaxConcurrentCalls;
            p.PrefetchCount = options.Processors.PrefetchCount;
        });
        if (options.DelayedRetry is { } retry) services.Configure<MessagingOptions>(m => m.DelayedRetry = retry);
        if (options.Saga is { } saga) services.Configure<SagaOptions>(s => { s.Timeouts = saga.Timeouts; s.Retry = saga.Retry; });
        services.AddDeadLetterExplorer();
        services.AddEmbeddedDurableTask(registry => registry.AddOrderSaga(), options.DurableConcurrency, options.KeepSagaHistories);
        services.AddEndpointProcessors(configuration);
        services.AddHostedService<OutboxRelayService>();
        options.ConfigureServices?.Invoke(services);
    }

    /// <summary>Fault runs only: the embedded Cosmos server is on loopback with a self-signed certificate.</summary>
    private static SocketsHttpHandler LoopbackCosmosHandler() => new()
    {
        SslOptions = new System.Net.Security.SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };

    /// <summary>The same routes and answers as the Function App's HTTP functions (both delegate to <see cref="OrdersApi"/>).</summary>
    private static void MapApi(WebApplication app)
    {
        app.MapGet("/api/health", () => Results.Json(new HealthStatus("healthy"), LocalJsonContext.Default.HealthStatus));
        app.MapPost("/api/orders", async (HttpRequest request, OrdersApi api, CancellationToken cancellationToken) =>
        {
            var body = await OrdersApi.ReadBodyAsync(request.Body, cancellationToken);
            return Answer(await api.PlaceAsync(body, request.ContentType, request.Headers[OrdersApi.IdempotencyKeyHeader].FirstOrDefault(), cancellationToken));
        });
        app.MapGet("/api/orders/{orderId}", async (string orderId, OrdersApi api, CancellationToken cancellationToken) =>
            Answer(await api.GetAsync(orderId, cancellationToken)));
    }

    private static IResult Answer(ApiResponse response) => new ApiResult(response);

    private sealed class ApiResult(ApiResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = response.StatusCode;
            context.Response.ContentType = response.ContentType;
            if (response.Location is { } location) context.Response.Headers.Location = location;
            if (response.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.ContentLength = response.Body.Length;
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
        }
    }
}

public sealed record HealthStatus(string Status);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthStatus))]
internal sealed partial class LocalJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

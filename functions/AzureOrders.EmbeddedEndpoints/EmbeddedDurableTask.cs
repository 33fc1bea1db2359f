using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>
/// The in-process Durable Task backend (the InProcessTestHost's in-memory store: real replay, timers, external
/// events) with two things its base lacks:
/// <list type="bullet">
/// <item>A concurrency limit of its own. The base answers <see cref="Environment.ProcessorCount"/> and its
/// dispatchers sleep 500 ms whenever that many work items are out, so on a 2-core machine two saga steps ran at a
/// time. The usual workaround, DOTNET_PROCESSOR_COUNT=64, lies to the whole runtime: the thread pool then spins
/// as if it had 64 cores, and a profile of the local runner showed ~40% of its CPU in spin-waits and sched_yield.</item>
/// <item>Each instance's history as of its last checkpoint: the base serves none for finished instances, and the
/// benchmark and the saga tests count it (only the count is kept unless <c>keepHistories</c>, so a long-running
/// local runner does not hoard it).</item>
/// </list>
/// Both are interface re-implementations: the sidecar's dispatchers and checkpoints go through
/// <see cref="IOrchestrationService"/>, every other member is the base class's.
/// </summary>
public sealed class EmbeddedDurableBackend(int maxConcurrentWorkItems, bool keepHistories, ILoggerFactory? loggerFactory = null)
    : InMemoryOrchestrationService(loggerFactory), IOrchestrationService
{
    private readonly ConcurrentDictionary<string, int> _historyLengths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<HistoryEvent>> _histories = new(StringComparer.Ordinal);

    public int MaxConcurrentWorkItems { get; } = maxConcurrentWorkItems > 0
        ? maxConcurrentWorkItems
        : throw new ArgumentOutOfRangeException(nameof(maxConcurrentWorkItems), "must be positive");

    int IOrchestrationService.MaxConcurrentTaskOrchestrationWorkItems => MaxConcurrentWorkItems;

    int IOrchestrationService.MaxConcurrentTaskActivityWorkItems => MaxConcurrentWorkItems;

    /// <summary>History events of an instance as of its last checkpoint; 0 if unknown.</summary>
    public int HistoryLengthOf(string instanceId) => _historyLengths.GetValueOrDefault(instanceId);

    /// <summary>The history itself (only when the backend keeps histories; empty otherwise).</summary>
    public IReadOnlyList<HistoryEvent> HistoryOf(string instanceId) =>
        _histories.TryGetValue(instanceId, out var events) ? events : [];

    Task IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        _historyLengths[workItem.InstanceId] = newOrchestrationRuntimeState.Events.Count;
        if (keepHistories) _histories[workItem.InstanceId] = [.. newOrchestrationRuntimeState.Events];
        return CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    }
}

/// <summary>The gRPC sidecar (Durable Task's TaskHubGrpcServer over a backend) on a loopback port, as a hosted service.</summary>
public sealed class EmbeddedDurableSidecar(string address, IOrchestrationService backend, ILoggerFactory? loggerFactory) : IHostedService, IAsyncDisposable
{
    private IHost? _host;

    public string Address => address;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _host = BuildHost(address, backend, loggerFactory);
        await _host.StartAsync(cancellationToken);
    }

    /// <summary>The sidecar as a host of its own (not started): Kestrel with HTTP/2 serving TaskHubGrpcServer over <paramref name="backend"/>.</summary>
    public static IHost BuildHost(string address, IOrchestrationService backend, ILoggerFactory? loggerFactory) =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(logging =>
            {
                logging.ClearProviders();
                if (loggerFactory is not null) logging.Services.AddSingleton(loggerFactory);
            })
            .ConfigureWebHostDefaults(web =>
            {
                web.UseUrls(address);
                web.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
                web.ConfigureServices(services => services
                    .AddGrpc().Services
                    .AddSingleton(backend)
                    .AddSingleton((IOrchestrationServiceClient)backend)
                    .AddSingleton<TaskHubGrpcServer>());
                web.Configure(app => app.UseRouting().UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>()));
            })
            .Build();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null) await _host.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
        _host = null;
    }

    /// <summary>http://127.0.0.1:PORT with a port that was free a moment ago (the worker and client need it before the sidecar starts).</summary>
    public static string FreeLoopbackAddress() => $"http://127.0.0.1:{FreeLoopbackPort()}";

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class EmbeddedDurableTaskExtensions
{
    /// <summary>
    /// The saga's Durable Task worker and client on the embedded backend, inside an existing host: what
    /// AddInMemoryDurableTask does, with <see cref="EmbeddedDurableBackend"/>'s concurrency limit instead of the
    /// processor count.
    /// </summary>
    public static IServiceCollection AddEmbeddedDurableTask(
        this IServiceCollection services, Action<DurableTaskRegistry> registry, int maxConcurrentWorkItems = 256, bool keepHistories = false)
    {
        var address = EmbeddedDurableSidecar.FreeLoopbackAddress();
        services.AddSingleton(sp => new EmbeddedDurableBackend(maxConcurrentWorkItems, keepHistories, sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => new EmbeddedDurableSidecar(address, sp.GetRequiredService<EmbeddedDurableBackend>(), sp.GetService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedDurableSidecar>());
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(address);
            builder.AddTasks(registry);
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(address);
            builder.RegisterDirectly();
        });
        return services;
    }
}

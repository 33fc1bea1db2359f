using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AzureOrders.Saga.Tests;

/// <summary>
/// A <see cref="DurableTaskTestHost"/> assembled the way its StartAsync does (gRPC sidecar over the in-memory
/// backend, a worker host, a client), except that the backend is a <see cref="RecordingOrchestrationService"/>.
/// </summary>
public static class SagaTestHost
{
    public static async Task<DurableTaskTestHost> StartAsync(
        RecordingOrchestrationService backend, int port, Action<DurableTaskRegistry> registry, Action<IServiceCollection> configureServices)
    {
        var address = $"http://localhost:{port}";
        var sidecar = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHostDefaults(web =>
            {
                web.UseUrls(address);
                web.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
                web.ConfigureServices(services => services
                    .AddGrpc().Services
                    .AddSingleton<IOrchestrationService>(backend)
                    .AddSingleton<IOrchestrationServiceClient>(backend)
                    .AddSingleton<TaskHubGrpcServer>());
                web.Configure(app => app.UseRouting().UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>()));
            })
            .Build();
        await sidecar.StartAsync();

        var channel = GrpcChannel.ForAddress(address);
        var worker = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services =>
            {
                configureServices(services);
                services.AddDurableTaskWorker(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.AddTasks(registry);
                });
                services.AddDurableTaskClient(builder =>
                {
                    builder.UseGrpc(channel);
                    builder.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync();
        return new DurableTaskTestHost(sidecar, worker, channel, worker.Services.GetRequiredService<DurableTaskClient>());
    }
}

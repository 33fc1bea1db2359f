using AzureOrders.EmbeddedEndpoints;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AzureOrders.Saga.Tests;

/// <summary>
/// A <see cref="DurableTaskTestHost"/> assembled the way its StartAsync does (gRPC sidecar over the in-memory
/// backend, a worker host, a client), except that the backend is an <see cref="EmbeddedDurableBackend"/> keeping histories.
/// </summary>
public static class SagaTestHost
{
    public static async Task<DurableTaskTestHost> StartAsync(
        EmbeddedDurableBackend backend, int port, Action<DurableTaskRegistry> registry, Action<IServiceCollection> configureServices)
    {
        var address = $"http://127.0.0.1:{port}";
        var sidecar = EmbeddedDurableSidecar.BuildHost(address, backend, loggerFactory: null);
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

using AzureOrders.EmbeddedEndpoints;
using Microsoft.Extensions.Logging;
using ServiceBusEmulatorHost = AzureOrders.ServiceBusEmulator.ServiceBusEmulator;

namespace AzureOrders.LocalHost;

/// <summary>
/// The embedded endpoints of a local run: the Service Bus emulator in this process, the Cosmos server and Azurite
/// as Node.js children (installed with npm ci on first use). Disposing stops all of them.
/// </summary>
public sealed class LocalEndpoints : IAsyncDisposable
{
    private LocalEndpoints(ServiceBusEmulatorHost serviceBus, EmbeddedCosmosServer cosmos, EmbeddedAzurite azurite)
    {
        ServiceBus = serviceBus;
        Cosmos = cosmos;
        Azurite = azurite;
    }

    public ServiceBusEmulatorHost ServiceBus { get; }

    public EmbeddedCosmosServer Cosmos { get; }

    public EmbeddedAzurite Azurite { get; }

    public static async Task<LocalEndpoints> StartAsync(int serviceBusPort, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var serviceBus = await EmbeddedServiceBus.StartAsync(serviceBusPort, loggerFactory: loggerFactory, cancellationToken: cancellationToken);
        EmbeddedCosmosServer? cosmos = null;
        try
        {
            // Started side by side: each is a Node.js process that takes a second or two to listen.
            var cosmosStart = EmbeddedCosmosServer.StartAsync(cancellationToken: cancellationToken);
            var azuriteStart = EmbeddedAzurite.StartAsync(cancellationToken: cancellationToken);
            try
            {
                cosmos = await cosmosStart;
            }
            finally
            {
                // Whatever happened to Cosmos, never leave an Azurite child behind.
                if (cosmos is null) await DisposeQuietly(azuriteStart);
            }
            var azurite = await azuriteStart;
            return new LocalEndpoints(serviceBus, cosmos, azurite);
        }
        catch
        {
            if (cosmos is not null) await cosmos.DisposeAsync();
            await serviceBus.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes with the name of the first Node.js child that exits (on its own, or when it is stopped).</summary>
    public Task<string> ChildExited => _childExited ??= Task.WhenAny(
            WaitForExitAsync(Cosmos.ProcessId, $"the Cosmos server (node, pid {Cosmos.ProcessId})"),
            WaitForExitAsync(Azurite.ProcessId, $"Azurite (node, pid {Azurite.ProcessId})"))
        .Unwrap();

    private Task<string>? _childExited;

    public async ValueTask DisposeAsync()
    {
        // Side by side: each child gets a short grace period to exit cleanly, and shutdown has 10 s in all.
        await Task.WhenAll(Azurite.DisposeAsync().AsTask(), Cosmos.DisposeAsync().AsTask());
        await ServiceBus.DisposeAsync();
    }

    private static async Task<string> WaitForExitAsync(int processId, string name)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            await process.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        return name;
    }

    private static async Task DisposeQuietly(Task<EmbeddedAzurite> start)
    {
        try
        {
            await (await start).DisposeAsync();
        }
        catch (EmbeddedEndpointException)
        {
            // It failed to start; nothing to stop.
        }
    }
}

using AzureOrders.Messaging;
using AzureOrders.ServiceBusEmulator.Configuration;
using Microsoft.Extensions.Logging;
using Emulator = AzureOrders.ServiceBusEmulator.ServiceBusEmulator;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>
/// The in-process Service Bus emulator loaded with the project's one topology (infra/topology.json, as compiled
/// into Core), so local runs and tests route exactly as Azure does. Settings come across unchanged except where a
/// test asks for shorter locks (lock expiry is the redelivery backoff, and a minute is long in a test).
/// </summary>
public static class EmbeddedServiceBus
{
    public static Task<Emulator> StartAsync(
        int port = 0,
        TimeSpan? lockDuration = null,
        int? maxDeliveryCount = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default) =>
        Emulator.StartAsync(ToEmulatorConfig(Topology.DefaultJson, lockDuration, maxDeliveryCount), port, loggerFactory, cancellationToken: cancellationToken);

    public static EmulatorConfig ToEmulatorConfig(string topologyJson, TimeSpan? lockDuration = null, int? maxDeliveryCount = null)
    {
        var config = TopologyLoader.Parse(topologyJson);
        if (lockDuration is null && maxDeliveryCount is null) return config;
        return config with
        {
            Queues = [.. config.Queues.Select(q => q with
            {
                LockDuration = lockDuration ?? q.LockDuration,
                MaxDeliveryCount = maxDeliveryCount ?? q.MaxDeliveryCount,
            })],
            Topics = [.. config.Topics.Select(t => t with
            {
                Subscriptions = [.. t.Subscriptions.Select(s => s with
                {
                    LockDuration = lockDuration ?? s.LockDuration,
                    MaxDeliveryCount = maxDeliveryCount ?? s.MaxDeliveryCount,
                })],
            })],
        };
    }
}

using AzureOrders.Diagnostics;
using AzureOrders.Messaging;
using AzureOrders.ServiceBusEmulator;

namespace AzureOrders.LocalHost;

/// <summary>
/// Feeds the consumer-lag gauges: every <see cref="Source.Interval"/> it reads the embedded
/// emulator's per-entity counts (it has no administration API) and reports those of the topology's endpoints.
/// </summary>
public sealed class ConsumerLagSampler(ConsumerLagSampler.Source source, Topology topology, TimeProvider time, ILogger<ConsumerLagSampler> logger)
    : BackgroundService
{
    /// <summary>Where the counts come from (the emulator here; a test may substitute).</summary>
    public sealed record Source(Func<IReadOnlyList<EntityMessageCounts>> Read, TimeSpan Interval);

    /// <summary>One sample now (also what each tick does).</summary>
    public void SampleOnce()
    {
        var counts = source.Read().ToDictionary(c => c.Path, StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in topology.Endpoints)
        {
            // The emulator names subscriptions topic/Subscriptions/name, as Service Bus does.
            var path = endpoint.SubscriptionName is { } subscription ? $"{endpoint.EntityName}/Subscriptions/{subscription}" : endpoint.EntityName;
            if (counts.TryGetValue(path, out var c))
                ConsumerLag.Report(endpoint.EntityName, endpoint.SubscriptionName, endpoint.Consumer, c.ActiveMessageCount, c.DeadLetterMessageCount);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(source.Interval, time);
        do
        {
            try
            {
                SampleOnce();
            }
            catch (Exception e)
            {
                // A missed sample leaves the previous values; the next tick tries again.
                logger.LogDebug(e, "Consumer lag sample failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The gauges are process-wide; a stopped runner must not keep reporting its last counts.
        ConsumerLag.Clear();
    }
}

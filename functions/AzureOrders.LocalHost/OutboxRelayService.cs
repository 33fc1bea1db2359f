using AzureOrders.Hosting;

namespace AzureOrders.LocalHost;

/// <summary>The local twin of the Function App's timer-triggered outbox relay.</summary>
public sealed class OutboxRelayService(CoreServices core, TimeProvider time, ILogger<OutboxRelayService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RelayAfter = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var republished = await core.Relay.RelayOnceAsync(RelayAfter, cancellationToken: stoppingToken);
                if (republished > 0) logger.LogWarning("Outbox relay republished {Count} undispatched messages", republished);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox relay pass failed; the next pass retries");
            }
        }
    }
}

using AzureOrders.Persistence;
using Microsoft.Extensions.Options;

namespace AzureOrders.LocalHost;

/// <summary>The local twin of the Function App's timer-triggered outbox relay.</summary>
public sealed class OutboxRelayService(OutboxRelay relay, IOptions<OutboxRelayOptions> options, TimeProvider time, ILogger<OutboxRelayService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A pass queries every outbox container. Azure Cosmos DB answers from its index; the embedded server reads every
    /// document of the container on its one thread, so a pass grows with a long local run's data (measured by the
    /// benchmark: ~1 s after 2,000 orders). Waiting nine times a pass's duration keeps its share of the server at a tenth.
    /// </summary>
    public const int IdleFactor = 9;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(wait, time, stoppingToken);
            var started = time.GetTimestamp();
            try
            {
                var republished = await relay.RelayOnceAsync(options.Value.RelayAfter, options.Value.MaxItems, stoppingToken);
                if (republished > 0) logger.LogWarning("Outbox relay republished {Count} undispatched messages", republished);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox relay pass failed; the next pass retries");
            }
            var took = time.GetElapsedTime(started);
            wait = took * IdleFactor > Interval ? took * IdleFactor : Interval;
            logger.LogDebug("Outbox relay pass took {Took}; next in {Wait}", took, wait);
        }
    }
}

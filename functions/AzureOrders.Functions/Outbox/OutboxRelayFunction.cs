using AzureOrders.Functions.Settings;
using AzureOrders.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace AzureOrders.Functions.Outbox;

/// <summary>
/// Republishes outbox entries that stayed undispatched (the process died between commit and publish, or
/// Service Bus was unreachable). Ids are the stored ones, so the broker drops what did arrive after all.
/// </summary>
public sealed class OutboxRelayFunction(CoreServices core, FunctionAppSettings settings, ILogger<OutboxRelayFunction> logger)
{
    [Function("OutboxRelay")]
    public async Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var republished = await core.Relay.RelayOnceAsync(settings.OutboxRelayAfter, cancellationToken: cancellationToken);
        if (republished > 0) logger.LogWarning("Outbox relay republished {Count} undispatched messages", republished);
    }
}

using AzureOrders.Persistence;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AzureOrders.Functions.Outbox;

/// <summary>Every minute: republish what a crash left undispatched in any outbox (DESIGN "Outbox").</summary>
public sealed class OutboxRelayFunction(OutboxRelay relay, IOptions<OutboxRelayOptions> options, ILogger<OutboxRelayFunction> logger)
{
    [Function("OutboxRelay")]
    public async Task Run([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var republished = await relay.RelayOnceAsync(options.Value.RelayAfter, options.Value.MaxItems, cancellationToken);
        if (republished > 0) logger.LogWarning("Outbox relay republished {Count} undispatched messages", republished);
    }
}

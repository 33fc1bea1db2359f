using Azure.Messaging.ServiceBus;

namespace AzureOrders.DeadLetters;

public sealed partial class DeadLetterExplorer
{
    /// <summary>Deletes the matching messages (receive and complete). A dry run lists them and changes nothing. Audit lines as for resubmit.</summary>
    public async Task<IReadOnlyList<AuditLine>> PurgeAsync(DeadLetterFilter filter, bool dryRun, CancellationToken cancellationToken, Action<AuditLine>? onAudit = null)
    {
        var lines = new List<AuditLine>();
        foreach (var (endpoint, messages) in await FindAsync(filter, cancellationToken))
        {
            if (dryRun)
            {
                foreach (var m in messages) Report(lines, onAudit, AuditLine.For(PurgeOperation, m, AuditOutcome.WouldPurge, time.GetUtcNow()));
                continue;
            }
            lines.AddRange(await _sweep.RunAsync(PurgeOperation, endpoint, messages, PurgeOneAsync, onAudit, cancellationToken));
        }
        return lines;
    }

    private async Task<AuditLine> PurgeOneAsync(ServiceBusReceiver receiver, ServiceBusReceivedMessage received, DeadLetterMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await receiver.CompleteMessageAsync(received, cancellationToken);
            return AuditLine.For(PurgeOperation, message, AuditOutcome.Purged, time.GetUtcNow());
        }
        catch (ServiceBusException e)
        {
            return AuditLine.For(PurgeOperation, message, AuditOutcome.PurgeFailed, time.GetUtcNow(), error: e.Message);
        }
    }
}

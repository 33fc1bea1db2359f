using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

public sealed partial class DeadLetterExplorer
{
    /// <summary>
    /// Sends each matching message back to its original consumer only (see <see cref="Resubmission"/>) and removes
    /// it from the dead-letter queue once the send succeeded. A dry run lists what would be sent and changes nothing.
    /// One audit line per message, returned and, as each is written, passed to <paramref name="onAudit"/> (long runs show progress).
    /// </summary>
    public async Task<IReadOnlyList<AuditLine>> ResubmitAsync(DeadLetterFilter filter, bool dryRun, CancellationToken cancellationToken, Action<AuditLine>? onAudit = null)
    {
        var lines = new List<AuditLine>();
        foreach (var (endpoint, messages) in await FindAsync(filter, cancellationToken))
        {
            var target = DeadLetterEntities.KeyOf(endpoint);
            if (dryRun)
            {
                foreach (var m in messages)
                    Report(lines, onAudit, AuditLine.For(ResubmitOperation, m, AuditOutcome.WouldResubmit, time.GetUtcNow(),
                        target, Resubmission.MessageIdFor(m.MessageId, target, m.SequenceNumber)));
                continue;
            }

            await using var sender = client.CreateSender(endpoint.EntityName);
            lines.AddRange(await _sweep.RunAsync(ResubmitOperation, endpoint, messages,
                (receiver, received, message, ct) => ResubmitOneAsync(endpoint, sender, receiver, received, message, ct), onAudit, cancellationToken));
        }
        return lines;
    }

    private async Task<AuditLine> ResubmitOneAsync(Endpoint endpoint, ServiceBusSender sender, ServiceBusReceiver receiver,
        ServiceBusReceivedMessage received, DeadLetterMessage message, CancellationToken cancellationToken,
        string operation = ResubmitOperation, ReadOnlyMemory<byte>? editedBody = null)
    {
        var (_, copy) = Resubmission.Create(endpoint, received, time.GetUtcNow(), editedBody);
        var target = DeadLetterEntities.KeyOf(endpoint);
        try
        {
            await sender.SendMessageAsync(copy, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any failure (no Send right, broker busy, message too large for the entity) is this message's outcome,
            // not the end of the run: it stays dead-lettered and the audit line says why.
            await TryAbandonAsync(receiver, received);
            return AuditLine.For(operation, message, AuditOutcome.SendFailed, time.GetUtcNow(), target, copy.MessageId, e.Message);
        }

        // Only now: completing first would lose the message if the send then failed.
        try
        {
            await receiver.CompleteMessageAsync(received, cancellationToken);
            return AuditLine.For(operation, message, AuditOutcome.Resubmitted, time.GetUtcNow(), target, copy.MessageId);
        }
        catch (ServiceBusException e)
        {
            return AuditLine.For(operation, message, AuditOutcome.SentNotRemoved, time.GetUtcNow(), target, copy.MessageId, e.Message);
        }
    }

    private static async Task TryAbandonAsync(ServiceBusReceiver receiver, ServiceBusReceivedMessage received)
    {
        try { await receiver.AbandonMessageAsync(received, cancellationToken: CancellationToken.None); }
        catch (ServiceBusException) { } // the lock lapses by itself
    }
}

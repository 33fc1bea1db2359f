using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Receives (peek-lock) the messages a peek selected and acts on exactly those. Service Bus cannot receive a
/// chosen sequence number, so others met on the way are held locked (which also moves the receive past them)
/// and abandoned at the end. Messages that arrive during the sweep are left alone: what a dry run lists is
/// what the real run touches.
/// </summary>
internal sealed class DeadLetterSweep(ServiceBusClient client, TimeProvider time, TimeSpan receiveWait)
{
    private const int BatchSize = 100;

    public delegate Task<AuditLine> Act(ServiceBusReceiver receiver, ServiceBusReceivedMessage received, DeadLetterMessage message, CancellationToken cancellationToken);

    public async Task<IReadOnlyList<AuditLine>> RunAsync(
        string operation, Endpoint endpoint, IReadOnlyList<DeadLetterMessage> targets, Act act, Action<AuditLine>? onAudit, CancellationToken cancellationToken)
    {
        var pending = targets.ToDictionary(t => t.SequenceNumber);
        var lines = new List<AuditLine>(targets.Count);
        var held = new List<ServiceBusReceivedMessage>();
        var seen = new HashSet<long>();
        await using var receiver = DeadLetterQueues.Open(client, endpoint, ServiceBusReceiveMode.PeekLock);
        try
        {
            while (pending.Count > 0)
            {
                var batch = await receiver.ReceiveMessagesAsync(BatchSize, receiveWait, cancellationToken);
                if (batch.Count == 0) break;
                var progressed = false;
                foreach (var received in batch)
                {
                    // A message seen before came back because its lock expired while held: no progress.
                    progressed |= seen.Add(received.SequenceNumber);
                    if (pending.Remove(received.SequenceNumber))
                    {
                        var line = await act(receiver, received, DeadLetterMessage.From(endpoint, received), cancellationToken);
                        lines.Add(line);
                        onAudit?.Invoke(line);
                    }
                    else
                        held.Add(received);
                }
                if (!progressed) break;
            }
        }
        finally
        {
            foreach (var other in held)
            {
                // Released at once rather than at lock expiry. A lock that already expired is fine: the message is back.
                try { await receiver.AbandonMessageAsync(other, cancellationToken: CancellationToken.None); }
                catch (ServiceBusException) { }
            }
        }
        foreach (var missing in pending.Values)
        {
            var line = AuditLine.For(operation, missing, AuditOutcome.NotFound, time.GetUtcNow(),
                error: "listed but not received: another receiver holds it or it is gone");
            lines.Add(line);
            onAudit?.Invoke(line);
        }
        return lines;
    }
}

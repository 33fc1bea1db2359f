using Azure.Messaging.ServiceBus;

namespace AzureOrders.DeadLetters;

/// <summary>What a resubmit with an edited body did: refused (validation errors, nothing sent), not found, or one audit line.</summary>
public sealed record EditedResubmitResult(IReadOnlyList<string> Errors, AuditLine? Audit)
{
    public bool Found => Audit is not null || Errors.Count > 0;
}

public sealed partial class DeadLetterExplorer
{
    public const string ResubmitEditedOperation = "resubmit-edited";

    /// <summary>
    /// Resubmits one dead-lettered message (by its sequence number in <paramref name="entity"/>'s dead-letter queue) with
    /// <paramref name="editedBody"/> instead of its body, to the original consumer only, dlq-* properties dropped. The
    /// body is checked first (<see cref="EditedBody"/>); an invalid one sends nothing and leaves the message where it is.
    /// </summary>
    /// <returns>Null when there is no such message in the dead-letter queue.</returns>
    public async Task<EditedResubmitResult?> ResubmitEditedAsync(string entity, long sequenceNumber, ReadOnlyMemory<byte> editedBody,
        CancellationToken cancellationToken, Action<AuditLine>? onAudit = null)
    {
        var endpoint = DeadLetterEntities.Resolve(topology, entity);
        DeadLetterMessage? original;
        await using (var peeker = DeadLetterQueues.Open(client, endpoint, ServiceBusReceiveMode.PeekLock))
        {
            var peeked = await peeker.PeekMessagesAsync(1, sequenceNumber, cancellationToken);
            original = peeked.Count == 1 && peeked[0].SequenceNumber == sequenceNumber ? DeadLetterMessage.From(endpoint, peeked[0]) : null;
        }
        if (original is null) return null;

        var errors = EditedBody.Validate(original, editedBody);
        if (errors.Count > 0) return new EditedResubmitResult(errors, null);

        await using var sender = client.CreateSender(endpoint.EntityName);
        var lines = await _sweep.RunAsync(ResubmitEditedOperation, endpoint, [original],
            (receiver, received, message, ct) => ResubmitOneAsync(endpoint, sender, receiver, received, message, ct, ResubmitEditedOperation, editedBody),
            onAudit, cancellationToken);
        return new EditedResubmitResult([], lines.Single());
    }
}

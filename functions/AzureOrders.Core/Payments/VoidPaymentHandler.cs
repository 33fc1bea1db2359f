using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Payments;

/// <summary>
/// payment.void.v1: the saga's "whatever happened, keep no money". No payment yet: a VOIDED tombstone
/// (a late capture then fails). Failed: marked voided. Captured: refunded through the gateway, replying
/// payment.refunded and payment.voided (a refused refund: still CAPTURED, retried, see <see cref="PaymentRefunds"/>).
/// Already voided/refunded: the same answer again.
/// </summary>
public sealed class VoidPaymentHandler(PaymentStore payments, PaymentRefunds refunds, TimeProvider time) : IMessageHandler
{
    public string Name => "payment.void";
    public IReadOnlyCollection<string> MessageTypes => [Contracts.MessageTypes.PaymentVoidV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var command = context.PayloadAs<PaymentVoidV1>();
        var paymentId = PaymentDocument.PaymentIdFor(command.OrderId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await payments.ReadAsync(command.OrderId, cancellationToken);
            PaymentDocument? next;
            List<Envelope> replies = [];
            string? republishedDocumentId = null;
            switch (current?.Status)
            {
                case null:
                    replies.Add(Reply(context, 0, new PaymentVoidedV1(command.OrderId, paymentId, PaymentOutcomes.NothingCaptured, 0, command.Reason)));
                    next = new PaymentDocument { OrderId = command.OrderId, PaymentId = paymentId, Status = PaymentStatus.Voided, Reason = command.Reason, VoidedEventId = replies[^1].EventId };
                    break;
                case PaymentStatus.Failed:
                    replies.Add(Reply(context, 0, new PaymentVoidedV1(command.OrderId, paymentId, PaymentOutcomes.NothingCaptured, 0, command.Reason)));
                    next = current with { Status = PaymentStatus.Voided, Reason = command.Reason, VoidedEventId = replies[^1].EventId };
                    break;
                case PaymentStatus.Captured:
                    var refund = await refunds.RefundAsync(context, current, current, command.Reason, cancellationToken);
                    replies.Add(Reply(context, 0, new PaymentRefundedV1(command.OrderId, paymentId, current.AmountInCents, current.Currency, command.Reason)));
                    replies.Add(Reply(context, 1, new PaymentVoidedV1(command.OrderId, paymentId, PaymentOutcomes.Refunded, current.AmountInCents, command.Reason)));
                    next = current with
                    {
                        Status = PaymentStatus.Refunded, RefundedInCents = current.AmountInCents, RefundReference = refund.Reference, Reason = command.Reason,
                        VoidedEventId = replies[^1].EventId,
                    };
                    break;
                default: // voided or refunded already: answer again, change nothing
                    var answer = Reply(context, 0, new PaymentVoidedV1(command.OrderId, paymentId,
                        current.Status == PaymentStatus.Refunded ? PaymentOutcomes.Refunded : PaymentOutcomes.NothingCaptured,
                        current.RefundedInCents, command.Reason));
                    if (current.VoidedEventId is { } voidedEventId)
                    {
                        // A later void command (the saga re-sends one under a new id when the reply is slow): the answer
                        // is the first void's fact again, under its event id, so the broker's duplicate detection and
                        // every consumer's dedupe drop it. Its outbox record needs an id of its own.
                        republishedDocumentId = $"outbox:{answer.EventId:D}";
                        answer = answer with { EventId = voidedEventId };
                        next = null;
                    }
                    else
                    {
                        // Refunded by the late-capture path, not by a void: this is the first payment.voided.
                        next = current with { VoidedEventId = answer.EventId };
                    }
                    replies.Add(answer);
                    break;
            }
            var commit = await payments.CommitAsync(command.OrderId, next, current, context.Consumer, context.Envelope.EventId, replies, cancellationToken,
                republishedDocumentId is null ? null : [republishedDocumentId]);
            switch (commit.Status)
            {
                case PartitionWriteStatus.Committed: return HandlerOutcome.Handled(commit.Outbox);
                case PartitionWriteStatus.Duplicate: return HandlerOutcome.AlreadyHandled(ContainerNames.Payments, command.OrderId);
                default: continue; // a capture committed meanwhile: refund it on the next pass
            }
        }
        throw new TransientFailureException($"void {command.OrderId}: payment kept changing");
    }

    private Envelope Reply<T>(MessageContext context, int index, T payload) where T : class =>
        Envelopes.CausedBy(context.Envelope, Name, index, payload, Services.Payments, time.GetUtcNow());
}

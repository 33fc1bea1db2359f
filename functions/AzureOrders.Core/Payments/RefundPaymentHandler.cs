using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Payments;

/// <summary>
/// payment.refund.v1: return a captured payment (e.g. payment.completed reached a saga that had already
/// cancelled). Nothing captured: a VOIDED tombstone and a refund of 0, so a capture still in flight fails. A refund the
/// gateway refuses leaves the payment CAPTURED and is retried (<see cref="PaymentRefunds"/>).
/// </summary>
public sealed class RefundPaymentHandler(PaymentStore payments, PaymentRefunds refunds, TimeProvider time) : IMessageHandler
{
    public string Name => "payment.refund";
    public IReadOnlyCollection<string> MessageTypes => [Contracts.MessageTypes.PaymentRefundV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var command = context.PayloadAs<PaymentRefundV1>();
        var paymentId = PaymentDocument.PaymentIdFor(command.OrderId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await payments.ReadAsync(command.OrderId, cancellationToken);
            PaymentDocument? next;
            long amount;
            switch (current?.Status)
            {
                case PaymentStatus.Captured:
                    var refund = await refunds.RefundAsync(context, current, current, command.Reason, cancellationToken);
                    next = current with { Status = PaymentStatus.Refunded, RefundedInCents = current.AmountInCents, RefundReference = refund.Reference, Reason = command.Reason };
                    amount = current.AmountInCents;
                    break;
                case PaymentStatus.Refunded:
                    next = null;
                    amount = current.RefundedInCents;
                    break;
                case null:
                    next = new PaymentDocument { OrderId = command.OrderId, PaymentId = paymentId, Status = PaymentStatus.Voided, Reason = command.Reason };
                    amount = 0;
                    break;
                default: // failed or voided: nothing was captured
                    next = current.Status == PaymentStatus.Voided ? null : current with { Status = PaymentStatus.Voided, Reason = command.Reason };
                    amount = 0;
                    break;
            }

            var reply = Envelopes.CausedBy(context.Envelope, Name, 0,
                new PaymentRefundedV1(command.OrderId, paymentId, amount, current?.Currency ?? OrderPlacedUpcaster.DefaultCurrency, command.Reason),
                Services.Payments, time.GetUtcNow());
            var commit = await payments.CommitAsync(command.OrderId, next, current, context.Consumer, context.Envelope.EventId, [reply], cancellationToken);
            switch (commit.Status)
            {
                case PartitionWriteStatus.Committed: return HandlerOutcome.Handled(commit.Outbox);
                case PartitionWriteStatus.Duplicate: return HandlerOutcome.AlreadyHandled(ContainerNames.Payments, command.OrderId);
                default: continue;
            }
        }
        throw new TransientFailureException($"refund {command.OrderId}: payment kept changing");
    }
}

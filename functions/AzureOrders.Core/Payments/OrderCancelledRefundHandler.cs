using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Payments;

/// <summary>
/// order.cancelled.v1 on subscription orders/payments: the backstop for money kept on a cancelled order. The saga
/// voids before it cancels, so this usually finds nothing to do; but a payment.completed that landed while the saga
/// compensated (or a refund that was refused and is still being retried elsewhere) leaves a CAPTURED payment, and a
/// cancelled order must not keep it. Refunds through <see cref="PaymentRefunds"/> (refusals retried), replies
/// payment.refunded. Anything else (no payment, failed, voided, refunded) changes nothing but the dedupe key: no
/// tombstone is written for orders Payments never saw, which is most cancellations (out of stock).
/// </summary>
public sealed class OrderCancelledRefundHandler(PaymentStore payments, PaymentRefunds refunds, TimeProvider time) : IMessageHandler
{
    public string Name => "payment.order-cancelled";
    public IReadOnlyCollection<string> MessageTypes => [Contracts.MessageTypes.OrderCancelledV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var cancelled = context.PayloadAs<OrderCancelledV1>();
        var reason = $"order-cancelled:{cancelled.Reason}";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await payments.ReadAsync(cancelled.OrderId, cancellationToken);
            PaymentDocument? next = null;
            List<Envelope> replies = [];
            if (current is { Status: PaymentStatus.Captured })
            {
                var refund = await refunds.RefundAsync(context, current, current, reason, cancellationToken);
                next = current with { Status = PaymentStatus.Refunded, RefundedInCents = current.AmountInCents, RefundReference = refund.Reference, Reason = reason };
                replies.Add(Envelopes.CausedBy(context.Envelope, Name, 0,
                    new PaymentRefundedV1(cancelled.OrderId, current.PaymentId, current.AmountInCents, current.Currency, reason), Services.Payments, time.GetUtcNow()));
            }

            var commit = await payments.CommitAsync(cancelled.OrderId, next, current, context.Consumer, context.Envelope.EventId, replies, cancellationToken);
            switch (commit.Status)
            {
                case PartitionWriteStatus.Committed: return HandlerOutcome.Handled(commit.Outbox);
                case PartitionWriteStatus.Duplicate: return HandlerOutcome.AlreadyHandled(ContainerNames.Payments, cancelled.OrderId);
                default: continue; // a void or refund changed the payment meanwhile: decide again from it
            }
        }
        throw new TransientFailureException($"order.cancelled {cancelled.OrderId}: payment kept changing");
    }
}

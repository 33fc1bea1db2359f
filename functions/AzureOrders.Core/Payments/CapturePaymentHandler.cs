using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Payments;

/// <summary>
/// payment.capture.v1: charge once per order. The gateway call comes first with orderId as its idempotency
/// key (a crash before the commit makes the redelivery get the same charge back, not a second one); then
/// payment, dedupe key and reply commit in one batch. A void that came first makes the capture fail
/// without calling the gateway. Round trips: read + batch.
/// </summary>
public sealed class CapturePaymentHandler(PaymentStore payments, ResilientPaymentGateway gateway, PaymentRefunds refunds, TimeProvider time) : IMessageHandler
{
    public string Name => "payment.capture";
    public IReadOnlyCollection<string> MessageTypes => [Contracts.MessageTypes.PaymentCaptureV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var command = context.PayloadAs<PaymentCaptureV1>();
        var paymentId = PaymentDocument.PaymentIdFor(command.OrderId);
        GatewayResult? charged = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await payments.ReadAsync(command.OrderId, cancellationToken);
            PaymentDocument? next = null;
            Envelope reply;
            if (current is null)
            {
                var result = await gateway.CaptureAsync(new CaptureRequest(command.OrderId, command.CustomerId, command.AmountInCents, command.Currency), cancellationToken);
                charged = result;
                next = new PaymentDocument
                {
                    OrderId = command.OrderId,
                    PaymentId = paymentId,
                    Status = result.Approved ? PaymentStatus.Captured : PaymentStatus.Failed,
                    CustomerId = command.CustomerId,
                    AmountInCents = command.AmountInCents,
                    Currency = command.Currency,
                    GatewayReference = result.Reference,
                    DeclineCode = result.DeclineCode,
                };
                reply = result.Approved
                    ? Reply(context, new PaymentCompletedV1(command.OrderId, paymentId, command.AmountInCents, command.Currency, result.Reference))
                    : Reply(context, new PaymentFailedV1(command.OrderId, paymentId, PaymentOutcomes.Declined, result.DeclineCode));
            }
            else
            {
                // A void that committed while this capture was at the gateway wins; the money this delivery
                // took must go back, or a cancelled order would keep it.
                if (current.Status != PaymentStatus.Captured && charged is { Approved: true } lost)
                {
                    // Refused, this records the payment as CAPTURED (the money is held), so the retry answers
                    // payment.completed and the saga's late-payment refund, or the next void, gives it back.
                    var held = current with
                    {
                        Status = PaymentStatus.Captured, CustomerId = command.CustomerId, AmountInCents = command.AmountInCents, Currency = command.Currency,
                        GatewayReference = lost.Reference, DeclineCode = null,
                    };
                    await refunds.RefundAsync(context, held, current, "the payment was voided while the gateway captured it", cancellationToken);
                }

                // The order already has a payment: answer from it, never charge again.
                reply = current.Status == PaymentStatus.Captured
                    ? Reply(context, new PaymentCompletedV1(command.OrderId, paymentId, current.AmountInCents, current.Currency, current.GatewayReference ?? ""))
                    : Reply(context, new PaymentFailedV1(command.OrderId, paymentId,
                        current.Status == PaymentStatus.Failed ? PaymentOutcomes.Declined : PaymentOutcomes.Voided, current.DeclineCode));
            }

            var commit = await payments.CommitAsync(command.OrderId, next, current, context.Consumer, context.Envelope.EventId, [reply], cancellationToken);
            switch (commit.Status)
            {
                case PartitionWriteStatus.Committed: return HandlerOutcome.Handled(commit.Outbox);
                case PartitionWriteStatus.Duplicate: return HandlerOutcome.AlreadyHandled(ContainerNames.Payments, command.OrderId);
                default: continue; // a void created the payment meanwhile; decide again from it
            }
        }
        throw new TransientFailureException($"capture {command.OrderId}: payment kept changing");
    }

    private Envelope Reply<T>(MessageContext context, T payload) where T : class =>
        Envelopes.CausedBy(context.Envelope, Name, 0, payload, Services.Payments, time.GetUtcNow());
}

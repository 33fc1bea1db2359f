using System.Diagnostics.Metrics;
using AzureOrders.Contracts;
using AzureOrders.Diagnostics;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Payments;

/// <summary>Payments' own instruments, on the process-wide meter.</summary>
public static class PaymentMetrics
{
    public static readonly Counter<long> RefundsRefused =
        Telemetry.Meter.CreateCounter<long>("azureorders.payments.refunds_refused", "{refund}",
            "Refunds the payment gateway refused (the money is still held and the refund is retried), by decline code.");
}

/// <summary>
/// Every refund of captured money (void, refund command, order cancelled, a capture that lost to a void) goes through
/// here, so every one checks the gateway's answer. An approved refund is returned for the caller to commit. A refused
/// one is never recorded as REFUNDED: the payment is committed as CAPTURED with the refusal counted, a
/// payment.refund-failed event is published, and the command fails transiently, so the dispatcher's delayed retry
/// asks again later (and, if the gateway keeps refusing, dead-letters it as RetriesExhausted for an operator).
/// </summary>
public sealed class PaymentRefunds(PaymentStore payments, ResilientPaymentGateway gateway, OutboxPublisher outbox, TimeProvider time)
{
    private static readonly Guid Namespace = new("b1f0c6de-2a47-4c39-9e15-63d8a4f2b7c0");

    /// <summary>
    /// The first refund keeps the key every earlier version used; after a refusal the next try needs a new key, or an
    /// idempotent gateway would replay the refusal forever. Only a recorded refusal moves the key on: a refund whose
    /// answer was lost (timeout, crash) is retried under the same key and cannot pay back twice.
    /// </summary>
    public static string IdempotencyKeyFor(string orderId, int refusals) =>
        refusals == 0 ? $"refund:{orderId}" : $"refund:{orderId}:retry-{refusals}";

    /// <param name="held">The payment as it holds money: CAPTURED, with amount and gateway reference.</param>
    /// <param name="stored">The document as read (its ETag guards the write), which may differ from <paramref name="held"/>
    /// when a capture finds that a void got there first.</param>
    /// <exception cref="TransientFailureException">The gateway refused; the refusal is recorded and published.</exception>
    public async Task<GatewayResult> RefundAsync(MessageContext context, PaymentDocument held, PaymentDocument? stored, string reason, CancellationToken cancellationToken)
    {
        var result = await gateway.RefundAsync(
            new RefundRequest(IdempotencyKeyFor(held.OrderId, held.RefundRefusals), held.GatewayReference ?? "", held.AmountInCents, held.Currency), cancellationToken);
        if (result.Approved) return result;

        var attempt = held.RefundRefusals + 1;
        PaymentMetrics.RefundsRefused.Add(1, new KeyValuePair<string, object?>("decline_code", result.DeclineCode ?? "none"));
        // One event per refusal of this payment, whichever command met it: the id follows the refusal count.
        var refused = Envelopes.Create(
            new PaymentRefundFailedV1(held.OrderId, held.PaymentId, held.AmountInCents, held.Currency, held.GatewayReference ?? "", result.DeclineCode, attempt, reason),
            DeterministicGuid.Create(Namespace, $"payment.refund-failed|{held.OrderId}|{attempt}"),
            context.Envelope.CorrelationId, context.Envelope.EventId, Services.Payments, time.GetUtcNow());
        var next = held with { Status = PaymentStatus.Captured, RefundRefusals = attempt, LastRefundDecline = result.DeclineCode };

        // No dedupe key: the command is not done, and its retry must run the handler again.
        var commit = await payments.RecordAsync(held.OrderId, next, stored, [refused], cancellationToken);
        if (commit.Status == PartitionWriteStatus.Committed)
        {
            try
            {
                await outbox.DispatchAsync(commit.Outbox, cancellationToken);
            }
            catch (Exception e) when (TransientFaults.IsTransient(e))
            {
                // Stored undispatched: the outbox relay publishes it.
            }
        }
        throw new TransientFailureException(
            $"refund of {held.AmountInCents} {held.Currency} for {held.OrderId} refused by the gateway ({result.DeclineCode ?? "no code"}), refusal {attempt}: " +
            "the payment stays CAPTURED and the refund is retried");
    }
}

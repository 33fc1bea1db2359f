using AzureOrders.Contracts;
using AzureOrders.Persistence;

namespace AzureOrders.Orders;

public enum TransitionOutcome
{
    /// <summary>The event was appended (and published, or left to the relay).</summary>
    Applied,
    /// <summary>The order was already in that state (a retried activity): nothing changed.</summary>
    AlreadyApplied,
    /// <summary>The order is in the other final state; the caller must compensate instead.</summary>
    Refused,
    NotFound,
}

public sealed record TransitionResult(TransitionOutcome Outcome, string Status);

/// <summary>
/// Confirm and cancel, called by the saga's activities. Idempotent (a retried activity changes nothing),
/// final states never flip (confirmed never becomes cancelled or the reverse), ids derived from the order.
/// </summary>
public sealed class OrderLifecycle(OrderStream stream, OutboxPublisher dispatcher, TimeProvider time)
{
    /// <param name="causationId">EventId of the message that made the saga decide (e.g. payment.completed).</param>
    public Task<TransitionResult> ConfirmAsync(string orderId, string paymentId, Guid? causationId, CancellationToken cancellationToken) =>
        TransitionAsync(orderId, OrderStatus.Confirmed, causationId, head =>
            new OrderConfirmedV1(orderId, head.CustomerId, head.TotalInCents, head.Currency, paymentId, time.GetUtcNow()),
            head => head with { PaymentId = paymentId },
            cancellationToken);

    public Task<TransitionResult> CancelAsync(string orderId, string reason, string description, Guid? causationId, CancellationToken cancellationToken) =>
        TransitionAsync(orderId, OrderStatus.Cancelled, causationId, head =>
            new OrderCancelledV1(orderId, head.CustomerId, reason, description, time.GetUtcNow()),
            head => head with { CancellationReason = reason },
            cancellationToken);

    private async Task<TransitionResult> TransitionAsync<T>(
        string orderId, string target, Guid? causationId, Func<OrderHeadDocument, T> payload, Func<OrderHeadDocument, OrderHeadDocument> update,
        CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var head = await stream.ReadHeadAsync(orderId, cancellationToken);
            if (head is null) return new TransitionResult(TransitionOutcome.NotFound, "");
            if (head.Status == target)
            {
                // A retried activity after a failed publish: finish the publish now rather than wait for the relay.
                var last = await stream.ReadEventAsync(orderId, head.Version, cancellationToken);
                if (last is { Dispatched: false })
                    await dispatcher.DispatchAsync([new OutboxEntry(last.Envelope, new OutboxAddress(ContainerNames.Orders, orderId, last.Id))], cancellationToken);
                return new TransitionResult(TransitionOutcome.AlreadyApplied, head.Status);
            }
            if (head.Status is OrderStatus.Confirmed or OrderStatus.Cancelled) return new TransitionResult(TransitionOutcome.Refused, head.Status);

            // One confirmation or cancellation per order: its id comes from the order, not from the attempt.
            var eventId = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"{target}|{orderId}");
            var envelope = Envelopes.Create(payload(head), eventId, head.CorrelationId, causationId, Services.Orders, time.GetUtcNow());
            try
            {
                var outbox = await stream.AppendAsync(head, update(head) with { Status = target, Version = head.Version + 1 }, [envelope], cancellationToken);
                await dispatcher.DispatchAsync(outbox, cancellationToken);
                return new TransitionResult(TransitionOutcome.Applied, target);
            }
            catch (StreamConcurrencyException) when (attempt < 5)
            {
                // Someone else appended; decide again on the new head.
            }
        }
    }
}

using AzureOrders.Contracts;
using AzureOrders.Orders.Saga.Activities;
using Microsoft.DurableTask;

namespace AzureOrders.Orders.Saga;

/// <summary>
/// The order fulfilment saga (instance id = orderId): reserve inventory, capture payment, confirm; on failure or
/// timeout, compensate in reverse (release inventory, void a payment whose state is unknown) and cancel with a
/// reason. It only coordinates: activities send the commands and touch the order stream, replies come back as
/// external events raised by <see cref="SagaReplyRouter"/>. Deterministic: time from the context, no I/O.
/// </summary>
public sealed class OrderFulfillmentSaga : TaskOrchestrator<SagaInput, SagaResult>
{
    public override async Task<SagaResult> RunAsync(TaskOrchestrationContext context, SagaInput input)
    {
        // The first execution's context time is the saga's start on every replay (deterministic).
        var started = context.CurrentUtcDateTime;
        var result = await new SagaRun(context, input).RunAsync();
        // Recorded once, by the execution that reaches the end; replays of that end are skipped.
        if (!context.IsReplaying)
            Diagnostics.OrderMetrics.SagaDuration.Record((context.CurrentUtcDateTime - started).TotalSeconds,
                new KeyValuePair<string, object?>(Diagnostics.Telemetry.Tags.Outcome, result.Outcome),
                new KeyValuePair<string, object?>(Diagnostics.Telemetry.Tags.Reason, result.Reason ?? "none"));
        return result;
    }

    /// <summary>One execution of the saga; holds the custom status so every step can update it.</summary>
    private sealed class SagaRun(TaskOrchestrationContext context, SagaInput input)
    {
        private readonly TaskOptions _retry = RetryOptions(input.Retry);
        private string? _lastEvent;
        private bool _compensationConfirmed = true;

        public async Task<SagaResult> RunAsync()
        {
            // 1. Inventory.
            if (!await TrySendAsync(nameof(ReserveInventoryActivity), input, SagaSteps.ReservingInventory))
                return await CompensateAndCancelAsync(SagaCancellationReasons.InventoryUnreachable, "The reservation could not be sent to Inventory.", null, voidPayment: false);

            var inventory = await WaitAsync(SagaEvents.InventoryReservation, input.Timeouts.Reservation, SagaSteps.AwaitingInventory);
            if (inventory is null)
                return await CompensateAndCancelAsync(CancellationReasons.InventoryTimedOut,
                    $"Inventory did not answer within {input.Timeouts.Reservation}.", null, voidPayment: false);
            if (inventory.EventType == MessageTypes.InventoryReservationFailedV1)
                // Nothing is held (Inventory releases partial holds before it reports failure): nothing to compensate.
                return await CancelAsync(ReservationFailureReason(inventory.Reason), $"Inventory could not reserve the order ({inventory.Reason}).", inventory.EventId);

            // 2. Payment.
            if (!await TrySendAsync(nameof(CapturePaymentActivity), new CapturePaymentInput(input, inventory.EventId), SagaSteps.CapturingPayment))
                return await CompensateAndCancelAsync(SagaCancellationReasons.PaymentUnreachable, "The capture could not be sent to Payments.", inventory.EventId, voidPayment: true);

            var payment = await WaitAsync(SagaEvents.PaymentResult, input.Timeouts.Payment, SagaSteps.AwaitingPayment);
            if (payment is null)
                // The capture may still happen: void it, which refunds a capture that did happen.
                return await CompensateAndCancelAsync(CancellationReasons.PaymentTimedOut,
                    $"Payments did not answer within {input.Timeouts.Payment}.", null, voidPayment: true);
            if (payment.EventType == MessageTypes.PaymentFailedV1)
                // Nothing was captured and there is one payment per order: releasing the stock is enough.
                return await CompensateAndCancelAsync(CancellationReasons.PaymentDeclined,
                    $"The payment was declined ({payment.Reason}).", payment.EventId, voidPayment: false);

            // 3. Confirm.
            var paymentId = payment.PaymentId ?? "";
            SetStatus(SagaSteps.Confirming);
            var confirmed = await context.CallActivityAsync<OrderTransition>(nameof(ConfirmOrderActivity),
                new ConfirmOrderInput(input.OrderId, paymentId, payment.EventId), _retry);
            if (!confirmed.Reached)
                // The order was closed some other way: keep neither the stock nor the money.
                return await CompensateAndCancelAsync(SagaCancellationReasons.OrderNotConfirmable,
                    $"The order could not be confirmed ({confirmed.Outcome}, {confirmed.Status}).", payment.EventId, voidPayment: true);

            SetStatus(SagaSteps.Confirmed);
            return new SagaResult(input.OrderId, OrderStatus.Confirmed, null, paymentId);
        }

        /// <summary>Reverse order: payment first would leave stock held longer, so stock goes back first, then money.</summary>
        private async Task<SagaResult> CompensateAndCancelAsync(string reason, string description, Guid? causationId, bool voidPayment)
        {
            await CompensateAsync(nameof(ReleaseInventoryActivity), SagaEvents.InventoryReleased, input.Timeouts.Release,
                SagaSteps.ReleasingInventory, SagaSteps.AwaitingRelease, reason, causationId);
            if (voidPayment)
                await CompensateAsync(nameof(VoidPaymentActivity), SagaEvents.PaymentVoided, input.Timeouts.Void,
                    SagaSteps.VoidingPayment, SagaSteps.AwaitingVoid, reason, causationId);
            return await CancelAsync(reason, description, causationId);
        }

        /// <summary>
        /// Sends a compensating command and waits for its reply; with no reply in time, sends it again under a new
        /// id (the services handle repeats idempotently). After the last attempt the saga goes on: the command stays
        /// queued and takes effect when the service is back, which the invariants rely on.
        /// </summary>
        private async Task CompensateAsync(string activity, string eventName, TimeSpan timeout, string sendStep, string waitStep, string reason, Guid? causationId)
        {
            for (var attempt = 1; attempt <= Math.Max(1, input.Timeouts.CompensationAttempts); attempt++)
            {
                var sent = await TrySendAsync(activity, new CompensationInput(input.OrderId, input.CorrelationId, causationId, reason, attempt), sendStep);
                if (sent && await WaitAsync(eventName, timeout, waitStep) is not null) return;
            }
            _compensationConfirmed = false;
        }

        private async Task<SagaResult> CancelAsync(string reason, string description, Guid? causationId)
        {
            SetStatus(SagaSteps.Cancelling);
            await context.CallActivityAsync<OrderTransition>(nameof(CancelOrderActivity),
                new CancelOrderInput(input.OrderId, reason, description, causationId), _retry);
            SetStatus(SagaSteps.Cancelled);
            return new SagaResult(input.OrderId, OrderStatus.Cancelled, reason, null, _compensationConfirmed);
        }

        /// <summary>Runs a command-sending activity with retries; false when it kept failing (the caller compensates).</summary>
        private async Task<bool> TrySendAsync(string activity, object activityInput, string step)
        {
            SetStatus(step);
            try
            {
                await context.CallActivityAsync<CommandSent>(activity, activityInput, _retry);
                return true;
            }
            catch (TaskFailedException)
            {
                return false;
            }
        }

        /// <summary>The reply raised as <paramref name="eventName"/>, or null when the deadline passed first.</summary>
        private async Task<SagaReply?> WaitAsync(string eventName, TimeSpan timeout, string step)
        {
            var deadline = context.CurrentUtcDateTime.Add(timeout);
            SetStatus(step, deadline);
            // One token for both: whichever wins, the other is cancelled, so an abandoned wait cannot swallow a
            // later event of the same name and an abandoned timer does not keep the instance alive.
            using var cancel = new CancellationTokenSource();
            var reply = context.WaitForExternalEvent<SagaReply>(eventName, cancel.Token);
            var timer = context.CreateTimer(deadline, cancel.Token);
            var winner = await Task.WhenAny(reply, timer);
            // Cancel, not CancelAsync: the orchestrator must stay on its own thread (CancelAsync runs callbacks elsewhere).
            cancel.Cancel();
            if (winner != reply) return null;
            var received = await reply;
            _lastEvent = received.EventType;
            return received;
        }

        private void SetStatus(string step, DateTime? deadline = null) =>
            context.SetCustomStatus(new SagaStatus(step, _lastEvent, deadline));

        private static string ReservationFailureReason(string? reason) => reason switch
        {
            ReservationFailureReasons.UnknownSku => SagaCancellationReasons.UnknownSku,
            _ => CancellationReasons.OutOfStock,
        };

        private static TaskOptions RetryOptions(SagaRetry retry) => TaskOptions.FromRetryPolicy(new RetryPolicy(
            retry.MaxAttempts, retry.FirstInterval, retry.BackoffCoefficient, retry.MaxInterval)
        {
            // A command that breaks its own contract is a bug: retrying cannot fix it.
            HandleFailure = failure => !failure.IsCausedBy<ContractViolationException>(),
        });
    }
}

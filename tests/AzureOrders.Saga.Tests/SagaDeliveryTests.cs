using AzureOrders.Orders.Saga;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Payments;
using AzureOrders.Testing;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Saga.Tests;

/// <summary>At-least-once delivery: starts and replies arrive twice, early, late, or after the saga ended.</summary>
[Collection(SagaCollection.Name)]
public sealed class SagaDeliveryTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task When_order_placed_is_delivered_twice_one_saga_runs_and_later_copies_change_nothing()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        // The broker delivers order.placed to the saga twice at once (a lost lock), and once more after the end.
        harness.Bus.Route = (endpoint, message) => endpoint.Consumer == Services.Saga && message.Subject == MessageTypes.OrderPlacedV1 ? Delivery.Twice : Delivery.Deliver;
        var orderId = await harness.PlaceAsync("ord_twice", "cust_456", ("SPROCKET-005", 10));

        var result = await harness.CompletionAsync(orderId);
        await harness.Bus.WaitIdleAsync(TimeSpan.FromSeconds(10));
        var before = await harness.Client.GetInstanceAsync(orderId);
        var historyBefore = harness.Backend.HistoryOf(orderId).Count;
        var placed = Assert.Single(harness.Bus.Sent, m => m.Subject == MessageTypes.OrderPlacedV1);
        var sagaEndpoint = Topology.Default.EndpointFor("orders", "saga");
        var starts = harness.Bus.SettledDeliveries.Where(s => s.Endpoint.Path == sagaEndpoint.Path).Select(s => s.Settlement).OfType<Settlement.Complete>().ToList();
        var late = await harness.Bus.RedeliverAsync(sagaEndpoint, placed, deliveryCount: 3);

        Assert.Equal(OrderStatus.Confirmed, result.Outcome);
        Assert.Equal(2, starts.Count);
        Assert.Single(starts, s => !s.Duplicate);
        Assert.True(Assert.IsType<Settlement.Complete>(late).Duplicate);
        var after = await harness.Client.GetInstanceAsync(orderId);
        Assert.Equal(before!.CreatedAt, after!.CreatedAt);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after.RuntimeStatus);
        Assert.Equal(historyBefore, harness.Backend.HistoryOf(orderId).Count);
        Assert.Single(harness.Bus.SentOf(MessageTypes.InventoryReserveV1));
        Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentCaptureV1));
        await Invariants.AssertAsync(harness, [orderId]);
    }

    [Fact]
    public async Task When_replies_arrive_twice_and_before_the_saga_waits_for_them_each_step_happens_once()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        // Every reply reaches the saga twice (the copy 300 ms later, when the saga is already a step further on),
        // and the reserve activity returns only after Inventory's reply was raised: the reply is there before the wait.
        harness.Bus.Route = (endpoint, _) => endpoint.Consumer == Services.Saga ? Delivery.Twice : Delivery.Deliver;
        harness.Bus.ReturnWhenIdle = m => m.Subject == MessageTypes.InventoryReserveV1;
        var confirmed = await harness.PlaceAsync("ord_dupes_ok", "cust_456", ("WIDGET-001", 1));
        var declined = await harness.PlaceAsync("ord_dupes_declined", "cust_decline_3", ("WIDGET-001", 3));

        var ok = await harness.CompletionAsync(confirmed);
        var cancelled = await harness.CompletionAsync(declined);
        await harness.Bus.WaitIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(OrderStatus.Confirmed, ok.Outcome);
        Assert.Equal(CancellationReasons.PaymentDeclined, cancelled.Reason);
        foreach (var type in new[] { MessageTypes.PaymentCaptureV1, MessageTypes.OrderConfirmedV1 })
            Assert.Single(harness.Bus.SentOf(type), e => e.Payload.GetProperty("orderId").GetString() == confirmed);
        foreach (var type in new[] { MessageTypes.PaymentCaptureV1, MessageTypes.InventoryReleaseV1, MessageTypes.OrderCancelledV1 })
            Assert.Single(harness.Bus.SentOf(type), e => e.Payload.GetProperty("orderId").GetString() == declined);
        // Both copies of each reply were routed (the second stays buffered, unwaited), none dead-lettered.
        var routed = harness.Bus.SettledDeliveries.Where(s => s.Endpoint.Consumer == Services.Saga && s.Message.Subject != MessageTypes.OrderPlacedV1).ToList();
        Assert.All(routed.GroupBy(r => r.Message.MessageId), g => Assert.Equal(2, g.Count()));
        await Invariants.AssertAsync(harness, [confirmed, declined]);
        Assert.Equal(1, harness.Gateway.Captured.Count(c => c.Value > 0));
    }

    [Fact]
    public async Task When_payment_completes_after_the_saga_cancelled_the_router_refunds_it()
    {
        // Payments is down long enough for the saga to give up on the payment and on the void as well.
        await using var harness = await SagaHarness.StartAsync(fixture,
            SagaHarness.FastOptions(payment: TimeSpan.FromSeconds(1), compensation: TimeSpan.FromSeconds(1), compensationAttempts: 1));
        harness.Bus.Route = (endpoint, message) => endpoint.Consumer == Services.Payments ? Delivery.Hold : Delivery.Deliver;
        var orderId = await harness.PlaceAsync("ord_latepay", "cust_456", ("WIDGET-001", 3));

        var result = await harness.CompletionAsync(orderId);
        Assert.Equal(OrderStatus.Cancelled, result.Outcome);
        Assert.Equal(CancellationReasons.PaymentTimedOut, result.Reason);
        Assert.False(result.CompensationConfirmed);

        // Payments catches up with the capture only: the money is taken after the order was cancelled.
        harness.Bus.Route = (_, _) => Delivery.Deliver;
        Assert.Equal(1, harness.Bus.ReleaseHeld((_, m) => m.Subject == MessageTypes.PaymentCaptureV1));
        await SagaHarness.EventuallyAsync(() => Task.FromResult(harness.Bus.SentOf(MessageTypes.PaymentRefundedV1).Count == 1), "the refund");

        var refund = Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentRefundV1));
        Assert.Equal(SagaCommandIds.For(orderId, SagaCommandSteps.LateRefund), refund.EventId);
        Assert.Equal(Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentCompletedV1)).EventId, refund.CausationId);
        Assert.Equal(PaymentStatus.Refunded, (await harness.PaymentAsync(orderId))!.Status);
        Assert.Equal(0, harness.CapturedFor(orderId));

        // The queued void arrives last: nothing more is refunded, the answer is the same.
        Assert.Equal(1, harness.Bus.ReleaseHeld((_, m) => m.Subject == MessageTypes.PaymentVoidV1));
        await SagaHarness.EventuallyAsync(() => Task.FromResult(harness.Bus.SentOf(MessageTypes.PaymentVoidedV1).Count == 1), "the void's answer");
        Assert.Equal(PaymentOutcomes.Refunded, harness.Bus.SentOf(MessageTypes.PaymentVoidedV1).Single().PayloadAs<PaymentVoidedV1>().Outcome);
        Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentRefundedV1));
        await Invariants.AssertAsync(harness, [orderId]);
    }
}

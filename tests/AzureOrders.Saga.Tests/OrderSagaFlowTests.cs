using AzureOrders.Orders.Saga;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Orders;
using AzureOrders.Testing;
using Xunit.Abstractions;

namespace AzureOrders.Saga.Tests;

[Collection(SagaCollection.Name)]
public sealed class OrderSagaFlowTests(CosmosServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task When_stock_and_payment_are_available_the_order_is_confirmed()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        var orderId = await harness.PlaceAsync("ord_happy", "cust_456", ("WIDGET-001", 2));

        var result = await harness.CompletionAsync(orderId);

        Assert.Equal(new SagaResult(orderId, OrderStatus.Confirmed, null, "pay_ord_happy"), result);
        await Invariants.AssertAsync(harness, [orderId]);
        var reserve = Assert.Single(harness.Bus.SentOf(MessageTypes.InventoryReserveV1));
        Assert.Equal(SagaCommandIds.For(orderId, SagaCommandSteps.ReserveInventory), reserve.EventId);
        var capture = Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentCaptureV1));
        Assert.Equal(SagaCommandIds.For(orderId, SagaCommandSteps.CapturePayment), capture.EventId);
        Assert.Equal(3998, capture.PayloadAs<PaymentCaptureV1>().AmountInCents);
        Assert.Equal(reserve.CorrelationId, capture.CorrelationId);
        Assert.Empty(harness.Bus.SentOf(MessageTypes.InventoryReleaseV1));
        Assert.Equal(998, (await harness.StockAsync("WIDGET-001"))!.Available);

        var progress = await SagaProgress.ReadAsync(harness.Client, orderId);
        Assert.Equal("Completed", progress!.RuntimeStatus);
        Assert.Equal(new SagaStatus(SagaSteps.Confirmed, MessageTypes.PaymentCompletedV1, null), progress.Status);
        Assert.Equal(result, progress.Result);
        var history = harness.Backend.HistoryOf(orderId);
        output.WriteLine($"history events (confirmed saga): {history.Count}");
        // Small history: a handful of activities, two waits, no polling loops.
        Assert.InRange(history.Count, 10, 40);
    }

    [Fact]
    public async Task When_inventory_does_not_stock_a_sku_the_order_is_cancelled_without_touching_payment()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        var orderId = await harness.PlaceAsync("ord_unstocked", "cust_456", ("WIDGET-001", 1), (SagaHarness.Discontinued, 1));

        var result = await harness.CompletionAsync(orderId);

        Assert.Equal(new SagaResult(orderId, OrderStatus.Cancelled, SagaCancellationReasons.UnknownSku, null), result);
        var failed = Assert.Single(harness.Bus.SentOf(MessageTypes.InventoryReservationFailedV1)).PayloadAs<InventoryReservationFailedV1>();
        Assert.Equal(SagaHarness.Discontinued, Assert.Single(failed.Shortages).Sku);
        Assert.Empty(harness.Bus.SentOf(MessageTypes.PaymentCaptureV1));
        Assert.Empty(harness.Bus.SentOf(MessageTypes.PaymentVoidV1));
        var cancelled = Assert.Single(harness.Bus.SentOf(MessageTypes.OrderCancelledV1)).PayloadAs<OrderCancelledV1>();
        Assert.Equal(SagaCancellationReasons.UnknownSku, cancelled.Reason);
        await Invariants.AssertAsync(harness, [orderId]);
        // The line Inventory could hold was given back before it reported the failure.
        Assert.Equal(1000, (await harness.StockAsync("WIDGET-001"))!.Available);
    }

    [Fact]
    public async Task When_a_sku_is_sold_out_the_order_is_cancelled_out_of_stock_without_touching_payment()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        var orderId = await harness.PlaceAsync("ord_soldout", "cust_456", ("WIDGET-001", 1), (SagaHarness.SoldOut, 1));

        var result = await harness.CompletionAsync(orderId);

        Assert.Equal(new SagaResult(orderId, OrderStatus.Cancelled, CancellationReasons.OutOfStock, null), result);
        Assert.Empty(harness.Bus.SentOf(MessageTypes.PaymentCaptureV1));
        Assert.Equal(CancellationReasons.OutOfStock, Assert.Single(harness.Bus.SentOf(MessageTypes.OrderCancelledV1)).PayloadAs<OrderCancelledV1>().Reason);
        await Invariants.AssertAsync(harness, [orderId]);
    }

    [Fact]
    public async Task When_payment_is_declined_inventory_is_released_before_the_order_is_cancelled_with_the_reason()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        var orderId = await harness.PlaceAsync("ord_declined", "cust_decline_1", ("GADGET-002", 3));

        var result = await harness.CompletionAsync(orderId);

        Assert.Equal(OrderStatus.Cancelled, result.Outcome);
        Assert.Equal(CancellationReasons.PaymentDeclined, result.Reason);
        var sent = harness.Bus.Sent.Select(m => m.Subject).ToList();
        Assert.True(sent.IndexOf(MessageTypes.InventoryReleasedV1) < sent.IndexOf(MessageTypes.OrderCancelledV1), string.Join(" > ", sent));
        var release = Assert.Single(harness.Bus.SentOf(MessageTypes.InventoryReleaseV1));
        Assert.Equal(CancellationReasons.PaymentDeclined, release.PayloadAs<InventoryReleaseV1>().Reason);
        // The decline is the cause of the compensation.
        Assert.Equal(Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentFailedV1)).EventId, release.CausationId);
        // Nothing was captured and the state is known: no void.
        Assert.Empty(harness.Bus.SentOf(MessageTypes.PaymentVoidV1));
        var cancelled = Assert.Single(harness.Bus.SentOf(MessageTypes.OrderCancelledV1)).PayloadAs<OrderCancelledV1>();
        Assert.Equal(CancellationReasons.PaymentDeclined, cancelled.Reason);
        Assert.Contains("card_declined", cancelled.Description);
        Assert.Equal(OrderStatus.Cancelled, (await harness.OrderAsync(orderId))!.Status);
        await Invariants.AssertAsync(harness, [orderId]);
        Assert.Equal(500, (await harness.StockAsync("GADGET-002"))!.Available);
        output.WriteLine($"history events (compensated saga, payment declined): {harness.Backend.HistoryOf(orderId).Count}");
    }

    [Fact]
    public async Task When_payments_does_not_answer_in_time_inventory_is_released_and_the_payment_voided_before_cancelling()
    {
        await using var harness = await SagaHarness.StartAsync(fixture, SagaHarness.FastOptions(payment: TimeSpan.FromSeconds(2)));
        // Payments is down for captures: the command waits on its queue.
        harness.Bus.Route = (endpoint, message) => message.Subject == MessageTypes.PaymentCaptureV1 ? Delivery.Hold : Delivery.Deliver;
        var orderId = await harness.PlaceAsync("ord_slowpay", "cust_456", ("GIZMO-003", 4));

        await SagaHarness.EventuallyAsync(async () =>
            (await harness.StatusAsync(orderId))?.Step == SagaSteps.AwaitingPayment, "the payment wait");
        var waiting = (await harness.StatusAsync(orderId))!;
        Assert.Equal(MessageTypes.InventoryReservedV1, waiting.LastEvent);
        Assert.NotNull(waiting.Deadline);

        var result = await harness.CompletionAsync(orderId);

        Assert.Equal(new SagaResult(orderId, OrderStatus.Cancelled, CancellationReasons.PaymentTimedOut, null), result);
        var sent = harness.Bus.Sent.Select(m => m.Subject).ToList();
        Assert.True(sent.IndexOf(MessageTypes.InventoryReleasedV1) < sent.IndexOf(MessageTypes.PaymentVoidV1), string.Join(" > ", sent));
        Assert.True(sent.IndexOf(MessageTypes.PaymentVoidedV1) < sent.IndexOf(MessageTypes.OrderCancelledV1), string.Join(" > ", sent));
        Assert.Equal(SagaCommandIds.For(orderId, SagaCommandSteps.VoidPayment), Assert.Single(harness.Bus.SentOf(MessageTypes.PaymentVoidV1)).EventId);

        // Payments comes back: the void's tombstone makes the late capture fail, so no money is taken.
        Assert.Equal(1, harness.Bus.ReleaseHeld((_, m) => m.Subject == MessageTypes.PaymentCaptureV1));
        await SagaHarness.EventuallyAsync(() => Task.FromResult(harness.Bus.SentOf(MessageTypes.PaymentFailedV1).Count == 1), "the late capture's answer");
        Assert.Equal("voided", harness.Bus.SentOf(MessageTypes.PaymentFailedV1).Single().PayloadAs<PaymentFailedV1>().Reason);
        await Invariants.AssertAsync(harness, [orderId]);
        Assert.Equal(2000, (await harness.StockAsync("GIZMO-003"))!.Available);
        var history = harness.Backend.HistoryOf(orderId);
        output.WriteLine($"history events (compensated saga, payment timeout): {history.Count}");
        Assert.InRange(history.Count, 10, 60);
    }

    [Fact]
    public async Task When_sending_the_release_fails_transiently_twice_the_retry_policy_sends_it_on_the_third_attempt()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        var failures = 0;
        harness.Bus.FailSend = m => m.Subject == MessageTypes.InventoryReleaseV1 && Interlocked.Increment(ref failures) <= 2
            ? new TransientFailureException("Service Bus is busy (simulated)")
            : null;
        var orderId = await harness.PlaceAsync("ord_flakyrelease", "cust_decline_2", ("DOOHICKEY-004", 5));

        var result = await harness.CompletionAsync(orderId);

        Assert.Equal(OrderStatus.Cancelled, result.Outcome);
        Assert.Equal(CancellationReasons.PaymentDeclined, result.Reason);
        Assert.True(result.CompensationConfirmed);
        // Three sends of the same message (same id): two failed, the third went through, once.
        var attempts = harness.Bus.Attempts.Where(m => m.Subject == MessageTypes.InventoryReleaseV1).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(a => a.MessageId).Distinct());
        Assert.Single(harness.Bus.SentOf(MessageTypes.InventoryReleaseV1));
        await Invariants.AssertAsync(harness, [orderId]);
        Assert.Equal(250, (await harness.StockAsync("DOOHICKEY-004"))!.Available);
    }
}

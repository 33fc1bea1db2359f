using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>Payments' backstop on subscription orders/payments: a cancelled order keeps no captured money.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CancelledOrderRefundTests(CosmosServerFixture fixture)
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Payments_subscribes_to_order_cancelled_only_and_accepts_targeted_redelivery()
    {
        var subscription = Topology.Default.Topics.Single(t => t.Name == "orders").Subscriptions.Single(s => s.Name == Services.Payments);

        Assert.Equal(Services.Payments, subscription.Consumer);
        Assert.Equal([MessageTypes.OrderCancelledV1], subscription.Rules.Select(r => r.CorrelationFilter?.Label).OfType<string>());
        Assert.Empty(Topology.Default.Validate());
    }

    [Fact]
    public async Task When_an_order_is_cancelled_while_its_payment_is_captured_payments_refunds_it_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        // The capture landed while the saga compensated: the order ends cancelled with the money captured.
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_bs_1", "cust_1", 3998, "USD")));
        var cancelled = h.Message(new OrderCancelledV1("ord_bs_1", "cust_1", CancellationReasons.PaymentTimedOut, "payment timed out", At));

        var first = await h.DeliverAsync(Services.Payments, cancelled, 1);
        var again = await h.DeliverAsync(Services.Payments, cancelled, 2);

        Assert.False(Assert.IsType<Settlement.Complete>(first).Duplicate);
        Assert.True(Assert.IsType<Settlement.Complete>(again).Duplicate);
        var payment = (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_bs_1"))!;
        Assert.Equal((PaymentStatus.Refunded, 3998L), (payment.Status, payment.RefundedInCents));
        var refunded = Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentRefundedV1)).PayloadAs<PaymentRefundedV1>();
        Assert.Equal(("ord_bs_1", 3998L, "order-cancelled:payment-timed-out"), (refunded.OrderId, refunded.AmountInCents, refunded.Reason));
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
    }

    [Fact]
    public async Task When_a_cancelled_order_was_already_refunded_or_never_charged_payments_changes_nothing()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_bs_2", "cust_1", 3998, "USD")));
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentVoidV1("ord_bs_2", "payment timed out")));
        var refundsBefore = h.Publisher.SentOf(MessageTypes.PaymentRefundedV1).Count;

        Assert.IsType<Settlement.Complete>(await h.DeliverAsync(Services.Payments,
            h.Message(new OrderCancelledV1("ord_bs_2", "cust_1", CancellationReasons.PaymentTimedOut, "payment timed out", At))));
        Assert.IsType<Settlement.Complete>(await h.DeliverAsync(Services.Payments,
            h.Message(new OrderCancelledV1("ord_bs_3", "cust_1", CancellationReasons.OutOfStock, "out of stock", At))));

        Assert.Equal(refundsBefore, h.Publisher.SentOf(MessageTypes.PaymentRefundedV1).Count);
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
        Assert.Null(await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_bs_3"));
    }

    [Fact]
    public async Task When_the_backstop_refund_is_refused_the_payment_stays_captured_and_the_cancellation_is_retried_until_refunded()
    {
        await using var h = await CoreHarness.StartAsync(fixture, b => b.ConfigureServices(s =>
            s.AddSingleton<IPaymentGateway>(sp => new RefundRefusingGateway(sp.GetRequiredService<SimulatedPaymentGateway>(), refusals: 1))));
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_bs_4", "cust_1", 3998, "USD")));
        var cancelled = h.Message(new OrderCancelledV1("ord_bs_4", "cust_1", CancellationReasons.PaymentTimedOut, "payment timed out", At));

        Assert.IsType<Settlement.Retry>(await h.DeliverAsync(Services.Payments, cancelled, 1));
        Assert.Equal(PaymentStatus.Captured, (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_bs_4"))!.Status);
        Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentRefundFailedV1));

        Assert.IsType<Settlement.Complete>(await h.DeliverAsync(Services.Payments, cancelled, 2));
        Assert.Equal(PaymentStatus.Refunded, (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_bs_4"))!.Status);
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
    }
}

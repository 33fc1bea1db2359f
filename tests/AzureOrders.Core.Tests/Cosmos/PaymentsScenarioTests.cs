using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class PaymentsScenarioTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task When_a_capture_is_approved_payment_completed_is_published_and_the_money_is_held_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_1", "cust_1", 3998, "USD")));

        var completed = Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentCompletedV1)).PayloadAs<PaymentCompletedV1>();
        Assert.Equal(("pay_ord_1", 3998L), (completed.PaymentId, completed.AmountInCents));
        Assert.Equal(3998, Assert.Single(h.Gateway.Captured).Value);
        Assert.Equal(PaymentStatus.Captured, (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_1"))!.Status);
    }

    [Fact]
    public async Task When_the_gateway_declines_payment_failed_is_published()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_2", "cust_decline", 3998, "USD")));
        var failed = Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentFailedV1)).PayloadAs<PaymentFailedV1>();
        Assert.Equal(("declined", "card_declined"), (failed.Reason, failed.DeclineCode));
    }

    [Fact]
    public async Task When_the_gateway_fails_transiently_the_message_is_retried_and_charged_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        var capture = h.Message(new PaymentCaptureV1("ord_3", "cust_flaky", 500, "USD"));

        var first = await h.DeliverAsync(Services.Payments, capture, 1);
        var second = await h.DeliverAsync(Services.Payments, capture, 2);
        var third = await h.DeliverAsync(Services.Payments, capture, 3);

        Assert.IsType<Settlement.Retry>(first);
        Assert.IsType<Settlement.Retry>(second);
        Assert.IsType<Settlement.Complete>(third);
        Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentCompletedV1));
        Assert.Single(h.Gateway.Captured);
    }

    [Fact]
    public async Task When_the_void_arrives_before_the_capture_the_late_capture_charges_nothing()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        await h.DeliverAsync(Services.Payments, h.Message(new PaymentVoidV1("ord_4", "payment timed out")));
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_4", "cust_1", 3998, "USD")));

        Assert.Equal(PaymentOutcomes.NothingCaptured, h.Publisher.SentOf(MessageTypes.PaymentVoidedV1).Single().PayloadAs<PaymentVoidedV1>().Outcome);
        Assert.Equal(PaymentOutcomes.Voided, h.Publisher.SentOf(MessageTypes.PaymentFailedV1).Single().PayloadAs<PaymentFailedV1>().Reason);
        Assert.Empty(h.Gateway.Captured);
    }

    [Fact]
    public async Task When_a_captured_payment_is_voided_the_money_is_refunded()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_5", "cust_1", 3998, "USD")));

        await h.DeliverAsync(Services.Payments, h.Message(new PaymentVoidV1("ord_5", "order cancelled")));

        Assert.Equal(3998, h.Publisher.SentOf(MessageTypes.PaymentRefundedV1).Single().PayloadAs<PaymentRefundedV1>().AmountInCents);
        var voided = h.Publisher.SentOf(MessageTypes.PaymentVoidedV1).Single().PayloadAs<PaymentVoidedV1>();
        Assert.Equal((PaymentOutcomes.Refunded, 3998L), (voided.Outcome, voided.RefundedInCents));
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
    }

    [Fact]
    public async Task When_a_void_is_sent_again_the_money_is_refunded_once_and_the_second_reply_repeats_the_first_void()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_6", "cust_1", 3998, "USD")));

        await h.DeliverAsync(Services.Payments, h.Message(new PaymentVoidV1("ord_6", "order cancelled")));
        // The saga's next compensation attempt: a new command id, sent when the first reply was slow.
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentVoidV1("ord_6", "order cancelled")));

        // Answered again (the saga may be waiting), as the same fact under the same id: the broker and every consumer drop it.
        var replies = h.Publisher.Attempts.Where(m => m.Subject == MessageTypes.PaymentVoidedV1).ToList();
        Assert.Equal(2, replies.Count);
        Assert.Equal(replies[0].MessageId, replies[1].MessageId);
        Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentVoidedV1));
        Assert.Equal(3998, h.Publisher.SentOf(MessageTypes.PaymentRefundedV1).Single().PayloadAs<PaymentRefundedV1>().AmountInCents);
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
    }

    [Fact]
    public async Task When_payment_completed_reaches_a_cancelled_saga_the_refund_returns_the_money_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_6", "cust_1", 1200, "USD")));

        await h.DeliverAsync(Services.Payments, h.Message(new PaymentRefundV1("ord_6", "late payment after cancellation")));
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentRefundV1("ord_6", "a retried refund command")));

        var refunds = h.Publisher.SentOf(MessageTypes.PaymentRefundedV1).Select(e => e.PayloadAs<PaymentRefundedV1>().AmountInCents).ToList();
        Assert.Equal([1200L, 1200L], refunds); // the second answers from state
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
        Assert.Equal(PaymentStatus.Refunded, (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_6"))!.Status);
    }
}

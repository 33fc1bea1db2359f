using System.Diagnostics.Metrics;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Refund answers are checked: a refund the gateway refuses leaves the payment CAPTURED (never REFUNDED), publishes
/// payment.refund-failed.v1, counts azureorders.payments.refunds_refused, and the command is retried until a refund is made.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class RefundRefusalTests(CosmosServerFixture fixture)
{
    public static TheoryData<string> Commands => [MessageTypes.PaymentRefundV1, MessageTypes.PaymentVoidV1];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task When_the_gateway_refuses_a_refund_the_payment_stays_captured_refund_failed_is_published_and_a_later_retry_refunds(string commandType)
    {
        await using var h = await CoreHarness.StartAsync(fixture, b => b.ConfigureServices(s =>
            s.AddSingleton<IPaymentGateway>(sp => new RefundRefusingGateway(sp.GetRequiredService<SimulatedPaymentGateway>(), refusals: 2))));
        using var refused = new RefusedRefundCounter();
        var orderId = $"ord_rf_{commandType.Split('.')[1]}";
        Assert.IsType<Settlement.Complete>(await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1(orderId, "cust_1", 3998, "USD"))));
        var command = commandType == MessageTypes.PaymentRefundV1
            ? h.Message(new PaymentRefundV1(orderId, "late payment"))
            : h.Message(new PaymentVoidV1(orderId, "order cancelled"));

        var first = await h.DeliverAsync(Services.Payments, command, 1);
        var second = await h.DeliverAsync(Services.Payments, command, 2);

        Assert.IsType<Settlement.Retry>(first);
        Assert.IsType<Settlement.Retry>(second);
        var payment = (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, orderId))!;
        Assert.Equal(PaymentStatus.Captured, payment.Status);
        Assert.Equal((2, RefundRefusingGateway.DeclineCode), (payment.RefundRefusals, payment.LastRefundDecline));
        Assert.Equal(0, payment.RefundedInCents);
        var failures = h.Publisher.SentOf(MessageTypes.PaymentRefundFailedV1).Select(e => e.PayloadAs<PaymentRefundFailedV1>()).ToList();
        Assert.Equal([1, 2], failures.Select(f => f.Attempt));
        Assert.All(failures, f => Assert.Equal((orderId, 3998L, RefundRefusingGateway.DeclineCode), (f.OrderId, f.AmountInCents, f.DeclineCode)));
        Assert.Empty(h.Publisher.SentOf(MessageTypes.PaymentRefundedV1));
        Assert.Empty(h.Publisher.SentOf(MessageTypes.PaymentVoidedV1));
        Assert.Equal(3998, Assert.Single(h.Gateway.Captured).Value); // the customer's money is still held
        Assert.Equal(2, refused.Count);
        // Each retry asked under a new key: an idempotent gateway would otherwise replay its refusal forever.
        Assert.Equal([$"refund:{orderId}", $"refund:{orderId}:retry-1"], h.System.Get<IPaymentGateway>() is RefundRefusingGateway g ? g.RefusedKeys : []);

        var third = await h.DeliverAsync(Services.Payments, command, 3);
        var again = await h.DeliverAsync(Services.Payments, command, 4);

        Assert.IsType<Settlement.Complete>(third);
        Assert.True(Assert.IsType<Settlement.Complete>(again).Duplicate);
        payment = (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, orderId))!;
        Assert.Equal((PaymentStatus.Refunded, 3998L), (payment.Status, payment.RefundedInCents));
        Assert.Equal(3998, Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentRefundedV1)).PayloadAs<PaymentRefundedV1>().AmountInCents);
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value);
        Assert.Equal(2, h.Publisher.SentOf(MessageTypes.PaymentRefundFailedV1).Count);
    }

    /// <summary>Counts the refused-refund metric while alive.</summary>
    private sealed class RefusedRefundCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public RefusedRefundCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Diagnostics.Telemetry.Name && instrument.Name == "azureorders.payments.refunds_refused") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}

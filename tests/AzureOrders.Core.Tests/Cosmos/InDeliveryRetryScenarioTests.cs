using System.Net;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Transient Cosmos failures are retried inside the delivery (up to three handle attempts) before the message goes back
/// to the broker. Faults are answered on the wire below the real SDK, against the embedded Cosmos server; the message is
/// a payment capture, whose handler reads, calls the gateway and commits one batch.
/// </summary>
[Collection(CosmosCollection.Name)]
public class InDeliveryRetryScenarioTests(CosmosServerFixture fixture)
{

    [Fact]
    public async Task When_cosmos_answers_503_once_the_message_is_handled_on_its_first_delivery()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        faults.Fail(CosmosWireFaults.Batch, HttpStatusCode.ServiceUnavailable, times: 1);

        var settlement = await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_r1", "cust_1", 3998, "USD")), deliveryCount: 1);

        var complete = Assert.IsType<Settlement.Complete>(settlement);
        Assert.False(complete.Duplicate);
        Assert.Equal(2, complete.Attempts);
        Assert.Equal(1, faults.Injected);
        Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentCompletedV1));
        Assert.Equal(3998, Assert.Single(h.Gateway.Captured).Value); // the re-run asked the gateway again with the same key: charged once
        Assert.Equal(PaymentStatus.Captured, (await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_r1"))!.Status);
    }

    /// <summary>
    /// Every transient status the SDK lets through on a write is retried the same way (429: past the SDK's own retries).
    /// 449 (retry with) is not among them: the SDK retries it itself, so it never reaches the pipeline.
    /// </summary>
    [Theory]
    [InlineData(429)]
    [InlineData(408)]
    [InlineData(410)]
    public async Task When_cosmos_fails_a_write_transiently_once_the_message_is_handled_on_its_first_delivery(int status)
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        faults.Fail(CosmosWireFaults.Batch, (HttpStatusCode)status, times: 1, retryAfter: TimeSpan.FromMilliseconds(20));

        var settlement = await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1($"ord_r{status}", "cust_1", 1999, "USD")), deliveryCount: 1);

        var complete = Assert.IsType<Settlement.Complete>(settlement);
        Assert.Equal(2, complete.Attempts);
        Assert.Equal(1, faults.Injected);
        Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentCompletedV1));
    }

    [Fact]
    public async Task When_cosmos_keeps_answering_503_the_delivery_is_given_back_after_three_attempts()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        var capture = h.Message(new PaymentCaptureV1("ord_r2", "cust_1", 3998, "USD"));
        faults.Fail(CosmosWireFaults.Batch, HttpStatusCode.ServiceUnavailable);

        var first = await h.DeliverAsync(Services.Payments, capture, deliveryCount: 1);
        var injectedOnFirst = faults.Injected;
        faults.Stop();
        var second = await h.DeliverAsync(Services.Payments, capture, deliveryCount: 2);

        var retry = Assert.IsType<Settlement.Retry>(first);
        Assert.Equal(3, retry.Attempts);
        Assert.Equal(3, injectedOnFirst); // three commits reached the wire, no fourth
        Assert.Equal(HttpStatusCode.ServiceUnavailable, Assert.IsType<CosmosException>(retry.Exception).StatusCode);
        var complete = Assert.IsType<Settlement.Complete>(second);
        Assert.False(complete.Duplicate);
        Assert.Equal(1, complete.Attempts);
        Assert.Single(h.Publisher.SentOf(MessageTypes.PaymentCompletedV1));
        Assert.Equal(3998, Assert.Single(h.Gateway.Captured).Value);
    }

    [Fact]
    public async Task When_a_handler_fails_permanently_it_is_not_retried_in_process()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);
        // 400 on the payment read: a request Cosmos will never accept, whatever the number of tries.
        faults.Fail(CosmosWireFaults.PointRead, HttpStatusCode.BadRequest);

        var settlement = await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_r3", "cust_1", 3998, "USD")), deliveryCount: 1);

        var retry = Assert.IsType<Settlement.Retry>(settlement); // unknown errors still go back to the broker, which dead-letters at maxDeliveryCount
        Assert.Equal(1, retry.Attempts);
        Assert.Equal(1, faults.Injected);
        Assert.Equal(HttpStatusCode.BadRequest, Assert.IsType<CosmosException>(retry.Exception).StatusCode);
        Assert.Equal(0, h.Gateway.Calls);
    }

    [Fact]
    public async Task When_the_payment_gateway_fails_transiently_the_delivery_is_given_back_without_calling_it_again()
    {
        using var faults = new CosmosWireFaults();
        await using var h = await CosmosWireFaults.StartHarnessAsync(fixture, faults);

        // "flaky" customers fail their first two gateway calls: re-running in process would use both up in this delivery.
        var settlement = await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_r4", "cust_flaky", 500, "USD")), deliveryCount: 1);

        var retry = Assert.IsType<Settlement.Retry>(settlement);
        Assert.IsType<TransientFailureException>(retry.Exception);
        Assert.Equal(1, retry.Attempts);
        Assert.Equal(1, h.Gateway.Calls);
        Assert.Empty(h.Gateway.Captured);
    }
}

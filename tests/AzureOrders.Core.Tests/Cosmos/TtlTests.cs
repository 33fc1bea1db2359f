using AzureOrders.Contracts;
using AzureOrders.Orders;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class TtlTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task Dedupe_keys_and_dispatched_outbox_records_expire_but_order_streams_never_do()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        var capture = h.Message(new PaymentCaptureV1("ord_ttl", "c", 100, "USD"));
        await h.DeliverAsync(Services.Payments, capture);
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json("""{"orderId":"ord_ttl","customerId":"c","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}"""), null, default);

        var dedupe = await h.ReadAsync<DedupeDocument>(ContainerNames.Payments, DedupeDocument.IdFor(Services.Payments, capture.EventId), "ord_ttl");
        var reply = await h.ReadAsync<OutboxDocument>(ContainerNames.Payments, $"outbox:{DeterministicGuid.ForOutgoing(capture.EventId, "payment.capture", 0):D}", "ord_ttl");
        var streamEvent = await h.ReadAsync<OutboxDocument>(ContainerNames.Orders, OrderHeadDocument.EventDocumentId(1), "ord_ttl");

        Assert.Equal((int)TimeSpan.FromDays(30).TotalSeconds, dedupe!.Ttl);
        Assert.Equal(["outbox:" + DeterministicGuid.ForOutgoing(capture.EventId, "payment.capture", 0).ToString("D")], dedupe.OutboxIds);
        Assert.True(reply!.Dispatched);
        Assert.Equal((int)CosmosOutboxStore.DispatchedRetention.TotalSeconds, reply.Ttl);
        Assert.True(streamEvent!.Dispatched);
        Assert.Null(streamEvent.Ttl);
    }
}

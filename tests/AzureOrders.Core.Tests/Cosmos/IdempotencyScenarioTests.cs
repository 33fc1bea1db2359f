using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>Redelivery never changes anything twice; a crash between commit and publish loses nothing and duplicates nothing.</summary>
[Collection(CosmosCollection.Name)]
public class IdempotencyScenarioTests(CosmosServerFixture fixture)
{
    public static TheoryData<string> Consumers() => ["inventory.reserve", "inventory.release", "payment.capture", "payment.void", "notifications", "order-views"];

    /// <summary>One message per handler, plus a probe of the state it changes.</summary>
    private static (string Consumer, Envelope Message, Func<Task<string>> State) Case(CoreHarness h, string name) => name switch
    {
        "inventory.reserve" => (Services.Inventory, h.Message(new InventoryReserveV1("ord_1", [new("WIDGET-001", 2)])),
            async () => $"available {(await h.Stock.ReadAsync("WIDGET-001", default))!.Available}"),
        "inventory.release" => (Services.Inventory, h.Message(new InventoryReleaseV1("ord_1", "cancelled")),
            async () => $"available {(await h.Stock.ReadAsync("WIDGET-001", default))!.Available}"),
        "payment.capture" => (Services.Payments, h.Message(new PaymentCaptureV1("ord_1", "cust_1", 3998, "USD")),
            async () => $"{(await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_1"))?.Status} gateway calls {h.Gateway.Calls}"),
        "payment.void" => (Services.Payments, h.Message(new PaymentVoidV1("ord_1", "cancelled")),
            async () => $"{(await h.ReadAsync<PaymentDocument>(ContainerNames.Payments, PaymentDocument.DocumentId, "ord_1"))?.Status}"),
        "notifications" => (Services.Notifications, h.Message(new OrderPlacedV1("ord_1", "cust_1", [new("WIDGET-001", 2, 1999)], 3998)),
            () => Task.FromResult($"delivered {h.Sender.Delivered.Count}")),
        "order-views" => (Services.Orders, h.Message(new OrderPlacedV1("ord_1", "cust_1", [new("WIDGET-001", 2, 1999)], 3998)),
            async () => $"timeline {(await h.Views.ReadAsync("ord_1", default))?.Timeline.Count}"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>State the handler's message acts on (a reservation to release).</summary>
    private static async Task PrepareAsync(CoreHarness h, string name)
    {
        if (name == "inventory.release")
        {
            await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("ord_1", [new("WIDGET-001", 2)])));
            h.Publisher.Clear();
        }
    }

    [Theory]
    [MemberData(nameof(Consumers))]
    public async Task When_the_same_message_arrives_three_times_state_changes_once_and_it_publishes_once(string handler)
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await PrepareAsync(h, handler);
        var (consumer, message, state) = Case(h, handler);

        var first = Assert.IsType<Settlement.Complete>(await h.DeliverAsync(consumer, message, 1));
        var stateAfterFirst = await state();
        var second = Assert.IsType<Settlement.Complete>(await h.DeliverAsync(consumer, message, 2));
        var third = Assert.IsType<Settlement.Complete>(await h.DeliverAsync(consumer, message, 3));

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.True(third.Duplicate);
        Assert.Equal(stateAfterFirst, await state());
        Assert.Empty(second.Published);
        Assert.Empty(third.Published);
        Assert.Equal(h.Publisher.Sent.Count, h.Publisher.Attempts.Count); // nothing was even sent twice
    }

    [Fact]
    public async Task When_the_process_crashes_between_the_state_write_and_the_publish_redelivery_publishes_exactly_the_missing_events_with_the_same_ids()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("ord_9", "cust_1", 3998, "USD")));
        h.Publisher.Clear();
        var voidCommand = h.Message(new PaymentVoidV1("ord_9", "order cancelled")); // emits payment.refunded + payment.voided

        // The broker accepts the first message, then the connection dies before the second.
        h.Publisher.FailWhen = m => m.Subject == MessageTypes.PaymentVoidedV1 ? new ServiceBusException("connection lost", ServiceBusFailureReason.ServiceCommunicationProblem) : null;
        var crashed = await h.DeliverAsync(Services.Payments, voidCommand, 1);
        var attemptedIds = h.Publisher.Attempts.Select(a => a.MessageId).ToList();
        h.Publisher.FailWhen = null;
        var redelivered = await h.DeliverAsync(Services.Payments, voidCommand, 2);

        Assert.IsType<Settlement.Retry>(crashed);
        var complete = Assert.IsType<Settlement.Complete>(redelivered);
        Assert.True(complete.Duplicate);
        Assert.Equal(attemptedIds, complete.Published.Select(e => e.EventId.ToString("D")));
        Assert.Equal([MessageTypes.PaymentRefundedV1, MessageTypes.PaymentVoidedV1], h.Publisher.Sent.Select(m => m.Subject));
        Assert.Equal(0, Assert.Single(h.Gateway.Captured).Value); // refunded once, not twice
        Assert.Empty(await h.Outbox.ListUndispatchedAsync(TimeSpan.Zero, 10, default));
    }

    [Fact]
    public async Task When_a_crash_leaves_events_undispatched_and_no_redelivery_comes_the_relay_publishes_them_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        h.Publisher.FailWhen = _ => new TimeoutException("broker unreachable");
        var reserve = h.Message(new InventoryReserveV1("ord_7", [new("GIZMO-003", 1)]));
        Assert.IsType<Settlement.Retry>(await h.DeliverAsync(Services.Inventory, reserve));
        var placed = Assert.IsType<PlaceOrderResult.Accepted>(await h.PlaceOrder.PlaceAsync(
            CoreHarness.Json("""{"orderId":"ord_8","customerId":"c_8","items":[{"sku":"GIZMO-003","quantity":1,"priceInCents":999}],"totalInCents":999}"""), null, default));
        h.Publisher.FailWhen = null;

        Assert.Empty(await h.Outbox.ListUndispatchedAsync(TimeSpan.FromSeconds(30), 10, default)); // too young: the handler may still publish
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var relayed = await h.Relay.RelayOnceAsync(TimeSpan.FromSeconds(30));
        var again = await h.Relay.RelayOnceAsync(TimeSpan.FromSeconds(30));

        Assert.True(placed.Created);
        Assert.Equal(2, relayed);
        Assert.Equal(0, again);
        Assert.Equal([MessageTypes.InventoryReservedV1, MessageTypes.OrderPlacedV1], h.Publisher.Sent.Select(m => m.Subject).Order());
        Assert.Equal(DeterministicGuid.ForOutgoing(reserve.EventId, "inventory.reserve", 0), h.Publisher.SentOf(MessageTypes.InventoryReservedV1).Single().EventId);
    }

    [Fact]
    public async Task When_a_placed_order_is_requested_again_after_a_failed_publish_the_event_is_published_with_its_original_id()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        const string body = """{"orderId":"ord_10","customerId":"c_10","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""";
        h.Publisher.FailWhen = _ => new TimeoutException();
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), null, default);
        var attempted = h.Publisher.Attempts.Single().MessageId;
        h.Publisher.FailWhen = null;

        var again = Assert.IsType<PlaceOrderResult.Accepted>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), null, default));

        Assert.False(again.Created);
        Assert.Equal(attempted, h.Publisher.Sent.Single().MessageId);
    }
}

using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Orders;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class OrdersScenarioTests(CosmosServerFixture fixture)
{
    private const string SeedBody = """{"orderId":"ord_123","customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";

    [Fact]
    public async Task When_an_order_is_placed_the_stream_holds_order_placed_and_it_is_published_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        var result = await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);

        var accepted = Assert.IsType<PlaceOrderResult.Accepted>(result);
        Assert.True(accepted.Created);
        Assert.Equal("ord_123", accepted.OrderId);
        var placed = Assert.Single(h.Publisher.SentOf(MessageTypes.OrderPlacedV1));
        Assert.Equal(new Route(EntityKind.Topic, "orders"), h.Publisher.Sent.Single().Route);
        Assert.Equal(3998, placed.PayloadAs<OrderPlacedV1>().TotalInCents);
        var events = await h.Streams.ReadEventsAsync("ord_123", CancellationToken.None);
        Assert.True(Assert.Single(events).Dispatched);
    }

    [Fact]
    public async Task When_the_same_request_is_repeated_with_an_Idempotency_Key_the_same_order_comes_back()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        const string body = """{"customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""";

        var first = Assert.IsType<PlaceOrderResult.Accepted>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), "key-1", CancellationToken.None));
        var second = Assert.IsType<PlaceOrderResult.Accepted>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), "key-1", CancellationToken.None));
        var other = Assert.IsType<PlaceOrderResult.Accepted>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), "key-2", CancellationToken.None));

        Assert.Equal(first.OrderId, second.OrderId);
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.NotEqual(first.OrderId, other.OrderId);
        Assert.Equal(2, h.Publisher.SentOf(MessageTypes.OrderPlacedV1).Count);
    }

    [Theory]
    [InlineData("{not json", 400, "malformed-request", null)]
    [InlineData("""{"orderId":123,"customerId":"c_1","items":[{"sku":"WIDGET-001","quantity":1,"priceInCents":1999}],"totalInCents":1999}""", 400, "validation", "/orderId")]
    [InlineData("""{"orderId":"ord_bad","customerId":"c_1","items":[{"sku":"WIDGET-001","quantity":-1,"priceInCents":1999}],"totalInCents":-1999}""", 400, "validation", "/items/0/quantity")]
    [InlineData("""{"orderId":"ord_bad","customerId":"c_1","items":[{"sku":"WIDGET-001","quantity":"two","priceInCents":1999}],"totalInCents":3998}""", 400, "validation", "/items/0/quantity")]
    [InlineData("""{"orderId":"ord_bad","customerId":"c_1","items":[],"totalInCents":0}""", 400, "validation", "/items")]
    [InlineData("""{"orderId":"ord_bad","customerId":"c_1","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":4000}""", 422, "price-mismatch", "/totalInCents")]
    [InlineData("""{"orderId":"ord_bad","customerId":"c_1","items":[{"sku":"UNKNOWN-999","quantity":1,"priceInCents":100}],"totalInCents":100}""", 422, "unknown-sku", "/items/0/sku")]
    public async Task When_the_input_is_bad_the_answer_is_problem_details(string body, int status, string type, string? errorAt)
    {
        await using var h = await CoreHarness.StartAsync(fixture);

        var rejected = Assert.IsType<PlaceOrderResult.Rejected>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), null, CancellationToken.None));

        Assert.Equal(status, rejected.Problem.Status);
        Assert.EndsWith(type, rejected.Problem.Type);
        if (errorAt is not null) Assert.Contains(errorAt, rejected.Problem.Errors!.Keys);
        Assert.Empty(h.Publisher.Sent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public async Task When_a_request_has_neither_an_orderId_nor_an_Idempotency_Key_it_is_refused_with_428_saying_how_to_send_one(string? key)
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        const string body = """{"customerId":"cust_456","items":[{"sku":"WIDGET-001","quantity":2,"priceInCents":1999}],"totalInCents":3998}""";

        var rejected = Assert.IsType<PlaceOrderResult.Rejected>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(body), key, CancellationToken.None));

        Assert.Equal(428, rejected.Problem.Status);
        Assert.EndsWith("/idempotency-key-required", rejected.Problem.Type);
        Assert.Contains($"'{OrdersApi.IdempotencyKeyHeader}' header", rejected.Problem.Detail);
        Assert.Contains("\"orderId\"", rejected.Problem.Detail);
        Assert.Empty(h.Publisher.Sent);
        Assert.Empty(await h.Outbox.ListUndispatchedAsync(TimeSpan.Zero, 10, CancellationToken.None));
    }

    [Fact]
    public async Task When_an_orderId_is_reused_for_a_different_order_the_answer_is_409()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);

        var conflicting = SeedBody.Replace("\"quantity\":2", "\"quantity\":1").Replace("3998", "1999");
        var rejected = Assert.IsType<PlaceOrderResult.Rejected>(await h.PlaceOrder.PlaceAsync(CoreHarness.Json(conflicting), null, CancellationToken.None));
        Assert.Equal(409, rejected.Problem.Status);
    }

    [Fact]
    public async Task When_producers_emit_v2_the_placed_event_carries_money_with_currency()
    {
        await using var h = await CoreHarness.StartAsync(fixture, b => b.WithSetting("Orders:EmitVersion", MessageTypes.OrderPlacedV2));
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);
        var placed = Assert.Single(h.Publisher.SentOf(MessageTypes.OrderPlacedV2));
        Assert.Equal(new Money(3998, "USD"), placed.PayloadAs<OrderPlacedV2>().Total);
    }

    [Fact]
    public async Task When_the_saga_confirms_twice_one_order_confirmed_is_appended_and_a_later_cancel_is_refused()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);

        var first = await h.Orders.ConfirmAsync("ord_123", "pay_ord_123", Guid.Empty, CancellationToken.None);
        var again = await h.Orders.ConfirmAsync("ord_123", "pay_ord_123", Guid.Empty, CancellationToken.None);
        var cancel = await h.Orders.CancelAsync("ord_123", "payment-timed-out", "late", Guid.Empty, CancellationToken.None);

        Assert.Equal(TransitionOutcome.Applied, first.Outcome);
        Assert.Equal(TransitionOutcome.AlreadyApplied, again.Outcome);
        Assert.Equal(TransitionOutcome.Refused, cancel.Outcome);
        Assert.Single(h.Publisher.SentOf(MessageTypes.OrderConfirmedV1));
        Assert.Empty(h.Publisher.SentOf(MessageTypes.OrderCancelledV1));
        var events = await h.Streams.ReadEventsAsync("ord_123", CancellationToken.None);
        Assert.Equal([1L, 2L], events.Select(e => e.Version!.Value));
        Assert.Equal(OrderStatus.Confirmed, (await h.Streams.ReadHeadAsync("ord_123", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task When_two_writers_append_to_one_stream_at_once_exactly_one_wins()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);

        var results = await Task.WhenAll(
            h.Orders.ConfirmAsync("ord_123", "pay_ord_123", null, CancellationToken.None),
            h.Orders.CancelAsync("ord_123", "inventory-timed-out", "timeout", null, CancellationToken.None));

        Assert.Single(results, r => r.Outcome == TransitionOutcome.Applied);
        Assert.Single(results, r => r.Outcome == TransitionOutcome.Refused);
        Assert.Equal(2, (await h.Streams.ReadEventsAsync("ord_123", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task When_order_events_arrive_the_view_shows_status_and_timeline()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);
        var placed = h.Publisher.SentOf(MessageTypes.OrderPlacedV1).Single();

        Assert.IsType<Settlement.Complete>(await h.DeliverAsync(Services.Orders, placed));
        var view = await h.Views.ReadAsync("ord_123", CancellationToken.None);

        Assert.NotNull(view);
        Assert.Equal(OrderStatus.Processing, view.Status);
        Assert.Equal("cust_456", view.CustomerId);
        Assert.Equal(3998, view.TotalInCents);
        Assert.Equal(MessageTypes.OrderPlacedV1, Assert.Single(view.Timeline).EventType);
        Assert.NotNull(await h.ReadAsync<DedupeDocument>(ContainerNames.OrderViews, DedupeDocument.IdFor(Services.Orders, placed.EventId), "ord_123"));
    }

    [Fact]
    public async Task When_a_cancel_activity_is_retried_after_a_failed_publish_the_retry_publishes_the_same_event()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        await h.PlaceOrder.PlaceAsync(CoreHarness.Json(SeedBody), null, CancellationToken.None);
        h.Publisher.FailWhen = m => m.Subject == MessageTypes.OrderCancelledV1 ? new TimeoutException() : null;
        await Assert.ThrowsAsync<TimeoutException>(() => h.Orders.CancelAsync("ord_123", "out-of-stock", "Sold out.", null, CancellationToken.None));
        var attempted = h.Publisher.Attempts.Last().MessageId;
        h.Publisher.FailWhen = null;

        var retried = await h.Orders.CancelAsync("ord_123", "out-of-stock", "Sold out.", null, CancellationToken.None);

        Assert.Equal(TransitionOutcome.AlreadyApplied, retried.Outcome);
        Assert.Equal(attempted, h.Publisher.Sent.Single(m => m.Subject == MessageTypes.OrderCancelledV1).MessageId);
    }
}

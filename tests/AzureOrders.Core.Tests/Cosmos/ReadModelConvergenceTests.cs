using AzureOrders.Contracts;
using AzureOrders.Orders;
using System.Text.Json;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class ReadModelConvergenceTests(CosmosServerFixture fixture)
{
    /// <summary>Every event one order's flow produces (a cancelled flow with a late payment), with distinct times.</summary>
    internal static List<Envelope> FlowOf(string orderId)
    {
        var t0 = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var correlation = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"flow|{orderId}");
        var i = 0;
        Envelope E<T>(T payload, string source) where T : class
        {
            i++;
            return Envelopes.Create(payload, DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"flow|{orderId}|{i}"), correlation, null, source, t0.AddSeconds(i));
        }
        return
        [
            E(new OrderPlacedV1(orderId, "cust_1", [new("WIDGET-001", 2, 1999)], 3998), Services.Orders),
            E(new NotificationSentV1(orderId, "cust_1", "ntf_1", "order-placed", "email", MessageTypes.OrderPlacedV1, t0), Services.Notifications),
            E(new InventoryReservedV1(orderId, [new("WIDGET-001", 2)]), Services.Inventory),
            E(new PaymentFailedV1(orderId, $"pay_{orderId}", "voided", null), Services.Payments),
            E(new InventoryReleasedV1(orderId, [new("WIDGET-001", 2)], "payment-timed-out"), Services.Inventory),
            E(new OrderCancelledV1(orderId, "cust_1", "payment-timed-out", "The payment did not answer in time.", t0), Services.Orders),
            E(new PaymentCompletedV1(orderId, $"pay_{orderId}", 3998, "USD", "ch_1"), Services.Payments),
            E(new PaymentRefundedV1(orderId, $"pay_{orderId}", 3998, "USD", "late payment"), Services.Payments),
        ];
    }

    /// <summary>The view without what legitimately differs between orders (ids).</summary>
    internal static string Shape(OrderViewDocument v) =>
        $"{v.Status}|{v.Inventory}|{v.Payment}|{v.CustomerId}|{v.TotalInCents}|{v.Currency}|{v.CancellationReason}|{v.LastEventAt:O}|" +
        string.Join(",", v.Items?.Select(l => $"{l.Sku}x{l.Quantity}@{l.UnitPriceInCents}") ?? []) + "|" +
        string.Join(",", v.Timeline.Select(t => $"{t.EventType}@{t.At:O}:{t.Summary.Replace(v.OrderId, "*")}"));

    [Fact]
    public void The_projection_is_the_same_for_every_order_of_a_flow_with_duplicates()
    {
        var events = FlowOf("ord_p");
        var expected = Shape(events.Aggregate((OrderViewDocument?)null, (v, e) => OrderViewProjection.Apply(v, e, Payload(e)))!);
        var random = new Random(42);
        for (var run = 0; run < 500; run++)
        {
            var shuffled = events.Concat(events.Take(3)).OrderBy(_ => random.Next()).ToList();
            var view = shuffled.Aggregate((OrderViewDocument?)null, (v, e) => OrderViewProjection.Apply(v, e, Payload(e)))!;
            Assert.Equal(expected, Shape(view));
        }
    }

    [Fact]
    public async Task When_events_arrive_shuffled_and_duplicated_the_read_model_converges_to_the_same_state()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        var random = new Random(7);
        var shapes = new List<string>();
        for (var run = 0; run < 4; run++)
        {
            var orderId = $"ord_shuffle_{run}";
            var events = FlowOf(orderId);
            var deliveries = events.Concat(events.Where((_, i) => i % 3 == 0)).OrderBy(_ => random.Next()).ToList();
            if (run == 3)
                await Task.WhenAll(deliveries.Select(e => Task.Run(() => h.DeliverAsync(Services.Orders, e)))); // and concurrently
            else
                foreach (var e in deliveries) await h.DeliverAsync(Services.Orders, e);
            shapes.Add(Shape((await h.Views.ReadAsync(orderId, default))!));
        }

        Assert.Single(shapes.Distinct());
        Assert.StartsWith($"{OrderStatus.Cancelled}|RELEASED|REFUNDED|cust_1|3998|USD|payment-timed-out", shapes[0]);
    }

    private static object Payload(Envelope e) =>
        e.EventType == MessageTypes.OrderPlacedV1 ? OrderPlacedUpcaster.Upcast(e.PayloadAs<OrderPlacedV1>()) : e.Payload.Deserialize(MessageCatalog.Get(e.EventType).JsonTypeInfo)!;
}

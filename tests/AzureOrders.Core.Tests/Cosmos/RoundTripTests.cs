using AzureOrders.Contracts;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Xunit.Abstractions;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// Counts Cosmos round trips per handled event with a RequestHandler in the client pipeline. The claim under
/// test: the dedupe key rides in the handler's one state batch, so single-partition handlers pay no round trip for it.
/// </summary>
[Collection(CosmosCollection.Name)]
public class RoundTripTests(CosmosServerFixture fixture, ITestOutputHelper output)
{
    private sealed record Measured(string Name, string Consumer, Envelope Message, bool SinglePartition, int ExpectedFirst);

    [Fact]
    public async Task Dedupe_adds_no_round_trip_to_any_single_partition_handler()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        // Warm the SDK's caches (container properties, partition ranges) so only our requests are counted.
        await h.DeliverAsync(Services.Orders, h.Message(new OrderPlacedV1("warm", "c", [new("WIDGET-001", 1, 1)], 1)));
        await h.DeliverAsync(Services.Inventory, h.Message(new InventoryReserveV1("warm", [new("WIDGET-001", 1)])));
        await h.DeliverAsync(Services.Payments, h.Message(new PaymentCaptureV1("warm", "c", 1, "USD")));
        await h.DeliverAsync(Services.Notifications, h.Message(new OrderPlacedV1("warm", "c", [new("WIDGET-001", 1, 1)], 1)));
        await h.Stock.ReadAsync("GADGET-002", default);

        var at = h.Time.GetUtcNow();
        var cases = new List<Measured>
        {
            // Expected = state reads + ONE batch (state + dedupe key + outbox) + one batch marking the outbox dispatched (when it emits).
            new("order.placed.v1 -> order-views", Services.Orders, h.Message(new OrderPlacedV1("ord_rt", "c", [new("WIDGET-001", 2, 1999)], 3998)), true, 2),
            new("payment.completed.v1 -> order-views", Services.Orders, h.Message(new PaymentCompletedV1("ord_rt", "pay_ord_rt", 3998, "USD", "ch")), true, 2),
            new("order.placed.v1 -> notifications", Services.Notifications, h.Message(new OrderPlacedV1("ord_rt", "c", [new("WIDGET-001", 2, 1999)], 3998)), true, 2),
            new("order.confirmed.v1 -> notifications", Services.Notifications, h.Message(new OrderConfirmedV1("ord_rt", "c", 3998, "USD", "pay_ord_rt", at)), true, 2),
            new("payment.capture.v1 -> payments", Services.Payments, h.Message(new PaymentCaptureV1("ord_rt", "c", 3998, "USD")), true, 3),
            new("payment.refund.v1 -> payments", Services.Payments, h.Message(new PaymentRefundV1("ord_rt", "cancelled")), true, 3),
            new("payment.void.v1 -> payments", Services.Payments, h.Message(new PaymentVoidV1("ord_rt2", "timed out")), true, 3),
            // Multi-partition (one batch per SKU partition + one in the order's partition); listed for the record.
            new("inventory.reserve.v1 (1 line) -> inventory", Services.Inventory, h.Message(new InventoryReserveV1("ord_rt", [new("GADGET-002", 1)])), false, 5),
            new("inventory.release.v1 (1 line) -> inventory", Services.Inventory, h.Message(new InventoryReleaseV1("ord_rt", "cancelled")), false, 5),
        };

        output.WriteLine($"{"event -> consumer",-48} {"first",5} {"dup",5}  requests (first delivery)");
        foreach (var c in cases)
        {
            h.Counter.Reset();
            await h.DeliverAsync(c.Consumer, c.Message);
            var first = h.Counter.Requests;
            h.Counter.Reset();
            await h.DeliverAsync(c.Consumer, c.Message);
            var duplicate = h.Counter.Count;
            output.WriteLine($"{c.Name,-48} {first.Count,5} {duplicate,5}  {string.Join(" ; ", first.Select(Short))}");

            Assert.Equal(c.ExpectedFirst, first.Count);
            if (!c.SinglePartition) continue;
            // The dedupe key was never read or written on its own: it went in the handler's (first) batch ...
            Assert.DoesNotContain(first, r => r.Contains("dedupe", StringComparison.OrdinalIgnoreCase));
            Assert.All(first.Where(r => !r.StartsWith("GET", StringComparison.Ordinal)), r => Assert.StartsWith("BATCH", r));
            Assert.Equal(c.Name.Contains("order-views") ? 1 : 2, first.Count(r => r.StartsWith("BATCH", StringComparison.Ordinal))); // state batch (+ mark-dispatched batch)
            // ... and it is there.
            var container = c.Consumer switch { Services.Orders => ContainerNames.OrderViews, Services.Notifications => ContainerNames.Notifications, _ => ContainerNames.Payments };
            var partition = c.Message.Payload.GetProperty("orderId").GetString()!;
            Assert.NotNull(await h.ReadAsync<DedupeDocument>(container, DedupeDocument.IdFor(c.Consumer, c.Message.EventId), partition));
        }
    }

    private static string Short(string request)
    {
        // "GET https://127.0.0.1:port/dbs/x/colls/payments/docs/payment -> 200" => "GET payments/docs/payment 200"
        var parts = request.Split(' ');
        var uri = parts[1];
        var colls = uri.IndexOf("/colls/", StringComparison.Ordinal);
        return $"{parts[0]} {(colls >= 0 ? uri[(colls + 7)..] : uri)} {parts[^1]}";
    }
}

using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Orders;
using AzureOrders.Orders.Saga;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Saga.Tests;

/// <summary>DESIGN's invariants, checked against the stores, the gateway and the bus after sagas finished.</summary>
public static class Invariants
{
    public static async Task<IReadOnlyDictionary<string, SagaResult>> AssertAsync(SagaHarness harness, IReadOnlyCollection<string> orderIds)
    {
        await harness.Bus.WaitIdleAsync(TimeSpan.FromSeconds(30));
        var results = new Dictionary<string, SagaResult>();
        var reservations = harness.Database.GetContainer(ContainerNames.Reservations);
        foreach (var orderId in orderIds)
        {
            // Every accepted order ends CONFIRMED or CANCELLED; none is stuck.
            var instance = await harness.Client.GetInstanceAsync(orderId, getInputsAndOutputs: true);
            Assert.NotNull(instance);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, instance.RuntimeStatus);
            var result = instance.ReadOutputAs<SagaResult>()!;
            results[orderId] = result;
            var head = await harness.OrderAsync(orderId);
            Assert.Equal(result.Outcome == OrderStatus.Confirmed ? OrderStatus.Confirmed : OrderStatus.Cancelled, head!.Status);

            // No order is charged twice; no cancelled order keeps a capture.
            var payment = await harness.PaymentAsync(orderId);
            if (result.Outcome == OrderStatus.Confirmed)
            {
                Assert.Equal(PaymentStatus.Captured, payment?.Status);
                Assert.Equal(head.TotalInCents, harness.CapturedFor(orderId));
            }
            else
            {
                Assert.NotEqual(PaymentStatus.Captured, payment?.Status);
                Assert.Equal(0, harness.CapturedFor(orderId));
            }

            // No reservation outlives a cancelled order.
            var reservation = await reservations.TryReadItemAsync<ReservationDocument>(ReservationDocument.DocumentId, new PartitionKey(orderId), CancellationToken.None);
            if (result.Outcome == OrderStatus.Confirmed) Assert.Equal(ReservationStatus.Reserved, reservation?.Status);
            else Assert.NotEqual(ReservationStatus.Reserved, reservation?.Status);

            // One final fact per order.
            var finals = harness.Bus.Sent.Count(m => m.Subject is MessageTypes.OrderConfirmedV1 or MessageTypes.OrderCancelledV1 && m.Envelope.Payload.GetProperty("orderId").GetString() == orderId);
            Assert.Equal(1, finals);
        }

        // No oversell; stock never negative; a release restores exactly what was reserved.
        var confirmed = results.Where(r => r.Value.Outcome == OrderStatus.Confirmed).Select(r => r.Key).ToHashSet();
        foreach (var product in SagaHarness.Catalog)
        {
            var stock = await harness.StockAsync(product.Sku);
            var holds = await harness.HoldsAsync(product.Sku);
            if (stock is null)
            {
                Assert.Empty(holds); // not stocked: nothing can be held
                continue;
            }
            Assert.True(stock!.Available >= 0, $"{product.Sku} available {stock.Available}");
            Assert.Equal(product.InitialStock, stock.Available + stock.OnHold);
            Assert.Equal(stock.OnHold, holds.Sum(h => h.Quantity));
            Assert.All(holds, h => Assert.Contains(h.OrderId, confirmed));
        }

        // Every published message is completed or dead-lettered with a reason; none vanishes.
        Assert.Empty(harness.Bus.DeadLettered);
        return results;
    }
}

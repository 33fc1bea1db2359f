using AzureOrders.Contracts;
using AzureOrders.Notifications;
using AzureOrders.Persistence;
using AzureOrders.Testing;

namespace AzureOrders.Core.Tests.Cosmos;

[Collection(CosmosCollection.Name)]
public class NotificationsScenarioTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task When_an_order_is_placed_confirmed_and_cancelled_the_customer_is_told_each_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        var at = h.Time.GetUtcNow();

        await h.DeliverAsync(Services.Notifications, h.Message(new OrderPlacedV1("ord_1", "cust_1", [new("WIDGET-001", 1, 1999)], 1999)));
        await h.DeliverAsync(Services.Notifications, h.Message(new OrderConfirmedV1("ord_1", "cust_1", 1999, "USD", "pay_ord_1", at)));
        await h.DeliverAsync(Services.Notifications, h.Message(new OrderCancelledV1("ord_2", "cust_2", "out-of-stock", "Sold out.", at)));

        Assert.Equal(["order-cancelled", "order-confirmed", "order-placed"], h.Sender.Delivered.Select(n => n.Kind).Order());
        Assert.Equal(3, h.Publisher.SentOf(MessageTypes.NotificationSentV1).Count);
        var record = await h.ReadAsync<NotificationDocument>(ContainerNames.Notifications, NotificationDocument.IdFor("order-placed"), "ord_1");
        Assert.Equal("cust_1", record!.CustomerId);
    }

    [Fact]
    public async Task When_v1_and_v2_of_the_same_order_placed_both_arrive_the_customer_is_told_once()
    {
        await using var h = await CoreHarness.StartAsync(fixture);
        var v1 = new OrderPlacedV1("ord_3", "cust_3", [new("WIDGET-001", 1, 1999)], 1999);

        await h.DeliverAsync(Services.Notifications, h.Message(v1));
        await h.DeliverAsync(Services.Notifications, h.Message(OrderPlacedUpcaster.Upcast(v1)));

        Assert.Single(h.Sender.Delivered);
        Assert.Single(h.Publisher.SentOf(MessageTypes.NotificationSentV1));
    }
}

using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Core.Tests.Messaging;

public class TopologyTests
{
    [Fact]
    public void The_topology_and_the_contracts_agree() =>
        Assert.Empty(Topology.Default.Validate());

    [Fact]
    public void The_embedded_topology_is_the_file_in_infra()
    {
        var fromFile = Topology.Load(RepoPaths.File("infra/topology.json"));
        Assert.Equal(fromFile.Endpoints.Select(e => e.Path), Topology.Default.Endpoints.Select(e => e.Path));
    }

    [Theory]
    [InlineData(MessageTypes.OrderPlacedV1, EntityKind.Topic, "orders")]
    [InlineData(MessageTypes.InventoryReservedV1, EntityKind.Topic, "inventory")]
    [InlineData(MessageTypes.PaymentVoidedV1, EntityKind.Topic, "payments")]
    [InlineData(MessageTypes.NotificationSentV1, EntityKind.Topic, "notifications")]
    [InlineData(MessageTypes.InventoryReserveV1, EntityKind.Queue, "inventory-commands")]
    [InlineData(MessageTypes.PaymentRefundV1, EntityKind.Queue, "payment-commands")]
    public void Messages_route_to_their_owner_entity(string type, EntityKind kind, string entity) =>
        Assert.Equal(new Route(kind, entity), Topology.Default.RouteFor(type));

    [Fact]
    public void Subscriptions_name_their_consumer_and_accept_targeted_redelivery()
    {
        var views = Topology.Default.EndpointFor("payments", "order-views");
        Assert.Equal(Services.Orders, views.Consumer);
        Assert.Equal("payments/order-views", views.RedeliveryTarget);
        Assert.Equal(Services.Inventory, Topology.Default.EndpointFor("inventory-commands", null).Consumer);
        Assert.Contains(Topology.Default.SubscribersOf(MessageTypes.OrderPlacedV2), e => e.Consumer == Services.Notifications);
        Assert.Equal(TimeSpan.FromMinutes(1), Topology.Default.Topics[0].Subscriptions[0].LockDurationTimeSpan);
    }

    [Fact]
    public void Validation_reports_an_event_on_the_wrong_topic()
    {
        var t = Topology.Default;
        var broken = t with { Topics = [t.Topics[0] with { EventTypes = [.. t.Topics[0].EventTypes, MessageTypes.PaymentFailedV1] }, .. t.Topics.Skip(1)] };
        Assert.Contains(broken.Validate(), p => p.Contains("payment.failed.v1") && p.Contains("topic orders"));
    }
}

using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.ServiceBus;

namespace AzureOrders.Admin.Tests;

/// <summary>The promise of resubmit end to end: the original consumer only, the same eventId, one effect however often.</summary>
public sealed class ResubmitScenarioTests(NotificationsCoreFixture fixture) : IClassFixture<NotificationsCoreFixture>
{
    private const string Notifications = "orders/notifications";

    [Fact]
    public async Task When_a_notification_dead_lettered_from_orders_notifications_is_resubmitted_only_that_subscription_receives_it_and_it_is_processed_once()
    {
        // maxDeliveryCount 1: one abandon (a Cosmos outage, say) and the broker dead-letters, as after 10 in Azure.
        await using var broker = await TestBroker.StartAsync(maxDeliveryCount: 1);
        var pipeline = fixture.System.Get<ConsumerPipelines>().For("notifications");
        var endpoint = fixture.System.Get<Topology>().EndpointFor("orders", "notifications");
        var placed = TestEvents.OrderPlaced("ord_scenario_1");
        await broker.PublishAsync(placed);

        // A poison message next to it, dead-lettered by Core's pipeline itself (schema-invalid: customerId is a number).
        var poison = Envelopes.Deserialize(placed.ToUtf8Bytes()) with { EventId = Guid.Parse("0b6c1a52-6f55-4a0f-8d2e-5f1b8a7c9d31") };
        var poisonBody = System.Text.Encoding.UTF8.GetString(poison.ToUtf8Bytes()).Replace("\"customerId\":\"cust_456\"", "\"customerId\":42", StringComparison.Ordinal);
        Assert.Contains("\"customerId\":42", poisonBody);
        await broker.SendRawAsync("orders", new ServiceBusMessage(poisonBody) { MessageId = poison.EventId.ToString("D"), Subject = poison.EventType, ContentType = "application/json" });

        await using (var receiver = broker.Receiver(Notifications))
        {
            var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(placed.EventId.ToString("D"), first!.MessageId);
            await receiver.AbandonMessageAsync(first); // transient failure on its only delivery

            var bad = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            var dispatched = await fixture.System.Dispatcher.DispatchAsync(endpoint, ServiceBusMessageMapping.ToInboundMessage(bad!), new ReceiverSettlement(receiver, bad!), CancellationToken.None);
            Assert.IsType<Settlement.DeadLetter>(dispatched.Settlement);
        }
        Assert.Equal(2, await broker.DrainAsync("orders/saga"));
        Assert.Equal(2, await broker.DrainAsync("orders/order-views"));
        var explorer = broker.Explorer();
        var shown = await explorer.ShowAsync(new DeadLetterFilter { Entity = Notifications }, CancellationToken.None);
        Assert.Equal(["MaxDeliveryCountExceeded", "SchemaValidationFailed"], shown.Select(m => m.Reason!).Order());

        // Resubmit the transient one: only orders/notifications gets it, with its eventId, and Core handles it once.
        var resubmitted = Assert.Single(await explorer.ResubmitAsync(new DeadLetterFilter { Entity = Notifications, Reason = "MaxDeliveryCountExceeded" }, false, CancellationToken.None));
        Assert.Equal(AuditOutcome.Resubmitted, resubmitted.Outcome);
        Assert.Empty(await broker.PeekAsync("orders/saga"));
        Assert.Empty(await broker.PeekAsync("orders/order-views"));
        var firstOutcome = await ProcessNextAsync(broker, pipeline, complete: false);
        Assert.False(firstOutcome.Duplicate);
        Assert.Equal(placed.EventId, firstOutcome.Envelope.EventId);
        Assert.Single(fixture.Sender.Delivered, n => n.OrderId == "ord_scenario_1");

        // Its settlement was lost (abandoned on the last delivery): dead-lettered again, resubmitted again.
        Assert.Equal("MaxDeliveryCountExceeded", Assert.Single(await explorer.ShowAsync(new DeadLetterFilter { Entity = Notifications, Reason = "MaxDeliveryCountExceeded" }, CancellationToken.None)).Reason);
        Assert.Equal(AuditOutcome.Resubmitted, Assert.Single(await explorer.ResubmitAsync(new DeadLetterFilter { Entity = Notifications, Reason = "MaxDeliveryCountExceeded" }, false, CancellationToken.None)).Outcome);
        var secondOutcome = await ProcessNextAsync(broker, pipeline, complete: true);

        Assert.True(secondOutcome.Duplicate);
        Assert.Single(fixture.Sender.Delivered, n => n.OrderId == "ord_scenario_1");
        Assert.Single(fixture.Publisher.Sent, m => m.Subject == MessageTypes.NotificationSentV1 && m.Envelope.CausationId == placed.EventId);
        Assert.Empty(await broker.PeekAsync("orders/saga"));
        Assert.Empty(await broker.PeekAsync("orders/order-views"));
        Assert.Empty(await broker.PeekAsync(Notifications));
        Assert.Equal("SchemaValidationFailed", Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true)).DeadLetterReason);
    }

    /// <summary>Receives the resubmitted copy at orders/notifications, runs Core's pipeline, then completes or (losing the settlement) abandons it.</summary>
    private static async Task<Settlement.Complete> ProcessNextAsync(TestBroker broker, MessagePipeline pipeline, bool complete)
    {
        await using var receiver = broker.Receiver(Notifications);
        var copy = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(copy);
        Assert.Equal(MessageProperties.RedeliverySubject, copy.Subject);
        var outcome = Assert.IsType<Settlement.Complete>(await pipeline.ProcessAsync(ServiceBusMessageMapping.ToInboundMessage(copy), CancellationToken.None));
        if (complete) await receiver.CompleteMessageAsync(copy);
        else await receiver.AbandonMessageAsync(copy);
        return outcome;
    }

    private sealed class ReceiverSettlement(ServiceBusReceiver receiver, ServiceBusReceivedMessage message) : ISettlementActions
    {
        public Task CompleteAsync(CancellationToken cancellationToken) => receiver.CompleteMessageAsync(message, cancellationToken);

        public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) =>
            receiver.DeadLetterMessageAsync(message, properties.ToDictionary(p => p.Key, p => p.Value), reason, description, cancellationToken);

        public Task AbandonAsync(CancellationToken cancellationToken) => receiver.AbandonMessageAsync(message, cancellationToken: cancellationToken);
    }
}

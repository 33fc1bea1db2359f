using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Functions.Consumers;
using AzureOrders.Messaging;
using AzureOrders.ServiceBus;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// The trigger methods called as the worker calls them: a ServiceBusReceivedMessage from the SDK's model
/// factory and a recording ServiceBusMessageActions. What is asserted is the settlement and the effect.
/// </summary>
[Collection(CoreCollection.Name)]
public sealed class ServiceBusTriggerTests(CoreFixture fixture)
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task When_a_valid_command_arrives_it_is_handled_and_completed_once()
    {
        var orderId = NewOrderId();
        var command = Reserve(orderId, quantity: 1);
        var actions = new RecordingMessageActions();

        await InventoryFunction().Run(Received(command), actions, CancellationToken.None);

        Assert.Equal([command.EventId.ToString("D")], actions.Completed);
        Assert.Equal(1, actions.SettlementCount);
        Assert.Single(Replies(orderId, MessageTypes.InventoryReservedV1));
    }

    [Fact]
    public async Task When_a_duplicate_message_arrives_it_is_completed_with_no_second_effect()
    {
        var orderId = NewOrderId();
        var command = Reserve(orderId, quantity: 2);
        var before = (await fixture.System.Get<AzureOrders.Inventory.StockLedger>().ReadAsync("WIDGET-001", CancellationToken.None))!.Available;

        var first = new RecordingMessageActions();
        var second = new RecordingMessageActions();
        await InventoryFunction().Run(Received(command, deliveryCount: 1), first, CancellationToken.None);
        await InventoryFunction().Run(Received(command, deliveryCount: 2), second, CancellationToken.None);

        Assert.Single(first.Completed);
        Assert.Single(second.Completed);
        Assert.Empty(second.DeadLettered);
        Assert.Single(Replies(orderId, MessageTypes.InventoryReservedV1));
        var after = (await fixture.System.Get<AzureOrders.Inventory.StockLedger>().ReadAsync("WIDGET-001", CancellationToken.None))!.Available;
        Assert.Equal(before - 2, after);
    }

    [Theory]
    [InlineData("{ not json", "MalformedMessage")]
    [InlineData("""{"eventId":"6f1c1f5e-3d1b-4c6f-9a51-000000000001","eventType":"inventory.reserve.v9","timestamp":"2026-11-26T12:00:00Z","correlationId":"6f1c1f5e-3d1b-4c6f-9a51-000000000002","payload":{}}""", "UnsupportedEventType")]
    [InlineData("""{"eventId":"6f1c1f5e-3d1b-4c6f-9a51-000000000003","eventType":"inventory.reserve.v1","timestamp":"2026-11-26T12:00:00Z","correlationId":"6f1c1f5e-3d1b-4c6f-9a51-000000000004","payload":{"orderId":"ord_x","items":[{"sku":"WIDGET-001","quantity":-3}]}}""", "SchemaValidationFailed")]
    public async Task When_a_poison_message_arrives_it_is_dead_lettered_with_its_reason(string body, string expectedReason)
    {
        var actions = new RecordingMessageActions();
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body), messageId: $"poison-{expectedReason}", deliveryCount: 1);

        await InventoryFunction().Run(message, actions, CancellationToken.None);

        var deadLetter = Assert.Single(actions.DeadLettered);
        Assert.Equal(expectedReason, deadLetter.Reason);
        Assert.False(string.IsNullOrWhiteSpace(deadLetter.Description));
        Assert.NotNull(deadLetter.Properties);
        Assert.Contains(DeadLetterProperties.Handler, deadLetter.Properties!.Keys);
        Assert.Empty(actions.Completed);
    }

    [Fact]
    public async Task When_cosmos_is_unavailable_a_delayed_retry_is_scheduled_and_the_original_completed()
    {
        var orderId = NewOrderId();
        var command = Reserve(orderId, 1);
        var actions = new RecordingMessageActions();
        fixture.Faults.Unavailable = true;
        try
        {
            // Nothing is thrown at the Functions host: it would abandon the message for immediate redelivery.
            await InventoryFunction().Run(Received(command), actions, CancellationToken.None);
        }
        finally
        {
            fixture.Faults.Unavailable = false;
        }

        Assert.Equal([command.EventId.ToString("D")], actions.Completed);
        Assert.Empty(actions.DeadLettered);
        var retry = Assert.Single(fixture.System.Retries.Scheduled, r => r.Message.MessageId == command.EventId.ToString("D"));
        Assert.Equal(1, retry.Retry);
        Assert.Equal("inventory-commands", retry.Endpoint.Path);
        Assert.Empty(Replies(orderId, MessageTypes.InventoryReservedV1));
    }

    [Fact]
    public async Task Payment_and_projection_triggers_run_their_own_consumers()
    {
        var orderId = NewOrderId();
        var capture = Envelopes.Create(new PaymentCaptureV1(orderId, "cust_456", 1999, "USD"), DeterministicGuid.Create(DeterministicGuid.ClientNamespace, orderId + "/capture"), Guid.NewGuid(), null, Services.Saga, At);
        var payments = new RecordingMessageActions();
        await new PaymentCommandFunctions(Consumer()).Run(Received(capture), payments, CancellationToken.None);
        Assert.Single(payments.Completed);
        Assert.Single(fixture.Publisher.Sent, m => m.Envelope.CausationId == capture.EventId);

        var placed = Envelopes.Create(new OrderPlacedV1(orderId, "cust_456", [new OrderLineV1("WIDGET-001", 1, 1999)], 1999), DeterministicGuid.Create(DeterministicGuid.ClientNamespace, orderId + "/placed"), Guid.NewGuid(), null, Services.Orders, At);
        var views = new RecordingMessageActions();
        await new OrderViewFunctions(Consumer()).FromOrders(Received(placed), views, CancellationToken.None);
        Assert.Single(views.Completed);
        Assert.NotNull(await fixture.System.Get<AzureOrders.Orders.OrderViews>().ReadAsync(orderId, CancellationToken.None));
    }

    private InventoryCommandFunctions InventoryFunction() => new(Consumer());

    private ServiceBusConsumer Consumer() => fixture.System.Get<ServiceBusConsumer>();

    private IReadOnlyList<Envelope> Replies(string orderId, string type) =>
        [.. fixture.Publisher.SentOf(type).Where(e => e.Payload.GetProperty("orderId").GetString() == orderId)];

    private static string NewOrderId() => $"ord_fn_{Guid.NewGuid():N}";

    private static Envelope Reserve(string orderId, int quantity) =>
        Envelopes.Create(
            new InventoryReserveV1(orderId, [new StockLine("WIDGET-001", quantity)]),
            DeterministicGuid.Create(DeterministicGuid.ClientNamespace, orderId + "/reserve"),
            DeterministicGuid.Create(DeterministicGuid.ClientNamespace, orderId),
            null,
            Services.Saga,
            At);

    private static ServiceBusReceivedMessage Received(Envelope envelope, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: new BinaryData(envelope.ToUtf8Bytes()),
            messageId: envelope.EventId.ToString("D"),
            subject: envelope.EventType,
            correlationId: envelope.CorrelationId.ToString("D"),
            contentType: "application/json",
            deliveryCount: deliveryCount,
            properties: new Dictionary<string, object> { ["eventType"] = envelope.EventType });
}

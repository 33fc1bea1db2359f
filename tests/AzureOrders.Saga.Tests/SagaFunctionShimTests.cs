using AzureOrders.Orders.Saga;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Functions.Saga;
using AzureOrders.Messaging;
using AzureOrders.Testing;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Saga.Tests;

/// <summary>The Function App's Service Bus triggers for the saga, called with SDK-built messages and recording settlement.</summary>
[Collection(SagaCollection.Name)]
public sealed class SagaFunctionShimTests(CosmosServerFixture fixture)
{
    [Fact]
    public async Task When_the_starter_function_receives_order_placed_it_completes_the_message_and_the_saga_runs_to_confirmation()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        // order.placed reaches the saga only through the function under test.
        harness.Bus.Route = (endpoint, m) => endpoint.Consumer == Services.Saga && m.Subject == MessageTypes.OrderPlacedV1 ? Delivery.Hold : Delivery.Deliver;
        var orderId = await harness.PlaceAsync("ord_shim", "cust_456", ("GIZMO-003", 1));
        var placed = Assert.Single(harness.Bus.Sent, m => m.Subject == MessageTypes.OrderPlacedV1);
        var functions = new SagaServiceBusFunctions(harness.Consumer);
        var actions = new RecordingActions();

        await functions.StartAsync(Received(placed), actions, harness.Client, CancellationToken.None);

        Assert.Equal([placed.MessageId], actions.Completed);
        Assert.Equal(OrderStatus.Confirmed, (await harness.CompletionAsync(orderId)).Outcome);
        await Invariants.AssertAsync(harness, [orderId]);
    }

    [Fact]
    public async Task When_a_reply_function_receives_a_malformed_message_it_dead_letters_it_with_the_reason()
    {
        await using var harness = await SagaHarness.StartAsync(fixture);
        var functions = new SagaServiceBusFunctions(harness.Consumer);
        var actions = new RecordingActions();
        var message = ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString("{not json"), messageId: "m-1",
            subject: MessageTypes.PaymentCompletedV1, deliveryCount: 1);

        await functions.PaymentRepliesAsync(message, actions, harness.Client, CancellationToken.None);

        var deadLettered = Assert.Single(actions.DeadLettered);
        Assert.Equal(nameof(DeadLetterReason.MalformedMessage), deadLettered.Reason);
        Assert.False(string.IsNullOrEmpty(deadLettered.Description));
        Assert.Equal("saga", deadLettered.Properties![DeadLetterProperties.Handler]);
        Assert.Empty(actions.Completed);
    }

    private static ServiceBusReceivedMessage Received(OutgoingMessage message) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromBytes(message.Body), messageId: message.MessageId,
            subject: message.Subject, correlationId: message.CorrelationId, contentType: message.ContentType,
            properties: message.ApplicationProperties.ToDictionary(p => p.Key, p => p.Value), deliveryCount: 1);

    /// <summary>ServiceBusMessageActions is tested by subclassing, the path the worker extension offers.</summary>
    private sealed class RecordingActions : ServiceBusMessageActions
    {
        public List<string> Completed { get; } = [];
        public List<(string? Reason, string? Description, Dictionary<string, object>? Properties)> DeadLettered { get; } = [];

        public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
        {
            Completed.Add(message.MessageId);
            return Task.CompletedTask;
        }

        public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, Dictionary<string, object>? propertiesToModify = default,
            string? deadLetterReason = default, string? deadLetterErrorDescription = default, CancellationToken cancellationToken = default)
        {
            DeadLettered.Add((deadLetterReason, deadLetterErrorDescription, propertiesToModify));
            return Task.CompletedTask;
        }
    }
}

using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;
using AzureOrders.Saga;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Functions.Saga;

/// <summary>
/// The saga's three subscriptions (infra/topology.json, consumer "saga"): order.placed starts the saga, Inventory
/// and Payments replies are raised on it. Binding and settlement only; Core's pipeline decides.
/// </summary>
public sealed class SagaServiceBusFunctions(SagaConsumer consumer)
{
    [Function("SagaStarter")]
    public Task StartAsync(
        [ServiceBusTrigger("orders", "saga", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ProcessAsync(message, actions, client, cancellationToken);

    [Function("SagaInventoryReplies")]
    public Task InventoryRepliesAsync(
        [ServiceBusTrigger("inventory", "saga", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ProcessAsync(message, actions, client, cancellationToken);

    [Function("SagaPaymentReplies")]
    public Task PaymentRepliesAsync(
        [ServiceBusTrigger("payments", "saga", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        ProcessAsync(message, actions, client, cancellationToken);

    private async Task ProcessAsync(ServiceBusReceivedMessage message, ServiceBusMessageActions actions, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var inbound = new InboundMessage(message.Body.ToMemory(), message.MessageId, message.Subject, message.DeliveryCount,
            message.ApplicationProperties.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal));
        var settlement = await consumer.ProcessAsync(inbound, client, cancellationToken);
        await SagaSettlement.SettleAsync(settlement, message, actions, cancellationToken);
    }
}

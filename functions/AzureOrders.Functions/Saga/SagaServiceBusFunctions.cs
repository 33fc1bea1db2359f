using Azure.Messaging.ServiceBus;
using AzureOrders.Saga;
using AzureOrders.ServiceBus;
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
        // Complete, dead-letter with reason and description, or throw on a transient failure (redelivered after the lock).
        var settlement = await consumer.ProcessAsync(ServiceBusMessageMapping.ToInboundMessage(message), client, cancellationToken);
        await SettlementExecutor.ApplyAsync(settlement, new ServiceBusSettlementActions(actions, message), cancellationToken);
    }
}

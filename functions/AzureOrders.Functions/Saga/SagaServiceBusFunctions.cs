using Azure.Messaging.ServiceBus;
using AzureOrders.Functions.Consumers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Functions.Saga;

/// <summary>
/// The saga's three subscriptions (infra/topology.json, consumer "saga"): order.placed starts the saga, Inventory
/// and Payments replies are raised on it. Like every consumer: bind, then one call; the Durable client of the invocation
/// goes along because only the binding can provide it in the isolated worker.
/// </summary>
public sealed class SagaServiceBusFunctions(ServiceBusConsumer consumer)
{
    [Function("SagaStarter")]
    public Task StartAsync(
        [ServiceBusTrigger("orders", "saga", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("orders", "saga", message, actions, cancellationToken, client);

    [Function("SagaInventoryReplies")]
    public Task InventoryRepliesAsync(
        [ServiceBusTrigger("inventory", "saga", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("inventory", "saga", message, actions, cancellationToken, client);

    [Function("SagaPaymentReplies")]
    public Task PaymentRepliesAsync(
        [ServiceBusTrigger("payments", "saga", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("payments", "saga", message, actions, cancellationToken, client);
}

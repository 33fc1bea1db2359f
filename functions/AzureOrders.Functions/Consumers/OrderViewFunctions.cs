using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Consumers;

/// <summary>The Orders service's read model (order-views) listens to every producer's topic.</summary>
public sealed class OrderViewFunctions(ServiceBusConsumer consumer)
{
    [Function("OrderViews_Orders")]
    public Task FromOrders(
        [ServiceBusTrigger("orders", "order-views", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("orders", "order-views", message, actions, cancellationToken);

    [Function("OrderViews_Inventory")]
    public Task FromInventory(
        [ServiceBusTrigger("inventory", "order-views", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("inventory", "order-views", message, actions, cancellationToken);

    [Function("OrderViews_Payments")]
    public Task FromPayments(
        [ServiceBusTrigger("payments", "order-views", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("payments", "order-views", message, actions, cancellationToken);

    [Function("OrderViews_Notifications")]
    public Task FromNotifications(
        [ServiceBusTrigger("notifications", "order-views", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("notifications", "order-views", message, actions, cancellationToken);
}

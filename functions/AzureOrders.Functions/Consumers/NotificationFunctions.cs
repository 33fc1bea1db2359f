using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Consumers;

/// <summary>Notifications react to the order's facts (choreography): placed, confirmed, cancelled.</summary>
public sealed class NotificationFunctions(ServiceBusConsumer consumer)
{
    [Function("Notifications_Orders")]
    public Task FromOrders(
        [ServiceBusTrigger("orders", "notifications", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("orders", "notifications", message, actions, cancellationToken);
}

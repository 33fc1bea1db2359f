using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Consumers;

/// <summary>The Inventory service's command queue: reserve and release, sent by the saga.</summary>
public sealed class InventoryCommandFunctions(ServiceBusConsumer consumer)
{
    [Function("Inventory_Commands")]
    public Task Run(
        [ServiceBusTrigger("inventory-commands", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("inventory-commands", null, message, actions, cancellationToken);
}

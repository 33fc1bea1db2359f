using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Consumers;

/// <summary>The Payments service's command queue: capture, void and refund, sent by the saga.</summary>
public sealed class PaymentCommandFunctions(ServiceBusConsumer consumer)
{
    [Function("Payments_Commands")]
    public Task Run(
        [ServiceBusTrigger("payment-commands", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("payment-commands", null, message, actions, cancellationToken);
}

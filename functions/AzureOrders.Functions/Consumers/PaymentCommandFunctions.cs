using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Consumers;

/// <summary>The Payments service's endpoints: its command queue (capture, void and refund, sent by the saga) and order.cancelled.</summary>
public sealed class PaymentCommandFunctions(ServiceBusConsumer consumer)
{
    [Function("Payments_Commands")]
    public Task Run(
        [ServiceBusTrigger("payment-commands", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("payment-commands", null, message, actions, cancellationToken);

    /// <summary>The backstop: an order that ended cancelled keeps no captured money.</summary>
    [Function("Payments_Orders")]
    public Task FromOrders(
        [ServiceBusTrigger("orders", "payments", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        consumer.HandleAsync("orders", "payments", message, actions, cancellationToken);
}

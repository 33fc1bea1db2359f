using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace ServiceBusTriggerProbe;

public sealed class ProbeConsumer
{
    [Function("ProbeConsumer")]
    public Task Run(
        [ServiceBusTrigger("orders", "probe", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken) =>
        actions.CompleteMessageAsync(message, cancellationToken);
}

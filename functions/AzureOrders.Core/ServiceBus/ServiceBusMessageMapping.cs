using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.ServiceBus;

/// <summary>The one place where our messages meet the Service Bus SDK types, in both directions.</summary>
public static class ServiceBusMessageMapping
{
    public static ServiceBusMessage ToServiceBusMessage(OutgoingMessage message)
    {
        var sbMessage = new ServiceBusMessage(message.Body)
        {
            MessageId = message.MessageId,
            Subject = message.Subject,
            CorrelationId = message.CorrelationId,
            ContentType = message.ContentType,
        };
        foreach (var (key, value) in message.ApplicationProperties) sbMessage.ApplicationProperties[key] = value;
        return sbMessage;
    }

    public static InboundMessage ToInboundMessage(ServiceBusReceivedMessage message) =>
        new(
            message.Body.ToMemory(),
            message.MessageId,
            message.Subject,
            message.DeliveryCount,
            message.ApplicationProperties.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal),
            message.CorrelationId,
            message.ContentType);
}

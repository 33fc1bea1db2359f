using System.ComponentModel;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>Same shape as the released package's attribute; the metadata generator reads its properties.</summary>
public sealed class ServiceBusTriggerAttribute : TriggerBindingAttribute
{
    public ServiceBusTriggerAttribute(string queueName) => QueueName = queueName;

    public ServiceBusTriggerAttribute(string topicName, string subscriptionName)
    {
        TopicName = topicName;
        SubscriptionName = subscriptionName;
    }

    public string? Connection { get; set; }

    public string? QueueName { get; }

    public string? TopicName { get; }

    public string? SubscriptionName { get; }

    public bool IsSessionsEnabled { get; set; }

    public bool AutoCompleteMessages { get; set; } = true;

    // Without the Abstractions' DefaultValue the metadata source generator gives up silently (CS8785).
    [Extensions.Abstractions.DefaultValue(false)]
    public bool IsBatched { get; set; }
}

using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Tests;

/// <summary>The testing path the worker extension offers: ServiceBusMessageActions is mockable by subclassing.</summary>
public sealed class RecordingMessageActions : ServiceBusMessageActions
{
    public List<string> Completed { get; } = [];

    public List<(string MessageId, string? Reason, string? Description, Dictionary<string, object>? Properties)> DeadLettered { get; } = [];

    public int Abandoned { get; private set; }

    public int SettlementCount => Completed.Count + DeadLettered.Count + Abandoned;

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        Completed.Add(message.MessageId);
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(
        ServiceBusReceivedMessage message,
        Dictionary<string, object>? propertiesToModify = default,
        string? deadLetterReason = default,
        string? deadLetterErrorDescription = default,
        CancellationToken cancellationToken = default)
    {
        DeadLettered.Add((message.MessageId, deadLetterReason, deadLetterErrorDescription, propertiesToModify));
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = default, CancellationToken cancellationToken = default)
    {
        Abandoned++;
        return Task.CompletedTask;
    }
}

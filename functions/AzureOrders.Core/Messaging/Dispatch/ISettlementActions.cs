namespace AzureOrders.Messaging.Dispatch;

/// <summary>
/// The settlement verbs of the message being dispatched, over whatever the host's SDK surface is: the Function App
/// adapts ServiceBusMessageActions, the local runner and the test harness ProcessMessageEventArgs
/// (<see cref="ServiceBus.ProcessorSettlementActions"/>), unit tests record. Only the dispatcher calls them.
/// </summary>
public interface ISettlementActions
{
    Task CompleteAsync(CancellationToken cancellationToken);

    Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken);

    /// <summary>Gives the message back for immediate redelivery (counts towards the entity's maxDeliveryCount).</summary>
    Task AbandonAsync(CancellationToken cancellationToken);
}

namespace AzureOrders.ServiceBusEmulator;

/// <summary>
/// Counts of one queue or subscription (path <c>queue</c> or <c>topic/Subscriptions/name</c>).
/// <see cref="ActiveMessageCount"/> includes messages that are currently locked (<see cref="LockedMessageCount"/>), as the service counts them.
/// </summary>
public sealed record EntityMessageCounts(
    string Path,
    int ActiveMessageCount,
    int LockedMessageCount,
    int DeferredMessageCount,
    int ScheduledMessageCount,
    int DeadLetterMessageCount);

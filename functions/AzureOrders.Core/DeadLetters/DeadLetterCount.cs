namespace AzureOrders.DeadLetters;

/// <summary>The dead-letter queue of one subscription or queue: how many, why, and how old.</summary>
/// <param name="Entity">"topic/subscription" or the queue name.</param>
/// <param name="Path">The Service Bus path of the parent entity (orders/subscriptions/notifications).</param>
/// <param name="Consumer">The topology's consumer of the entity: who resubmitted messages go back to.</param>
public sealed record DeadLetterCount(
    string Entity,
    string Path,
    string Consumer,
    int Count,
    IReadOnlyDictionary<string, int> ByReason,
    DateTimeOffset? Oldest,
    DateTimeOffset? Newest);

using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

/// <summary>
/// Names the explorer accepts for a dead-letter queue's parent: "orders/notifications" (what the redelivery
/// rule names), the Service Bus path "orders/subscriptions/notifications", or a queue name. Only entities of
/// the topology are accepted, so a typo fails loudly instead of reading an empty queue.
/// </summary>
public static class DeadLetterEntities
{
    /// <summary>The short name used in output, audit lines and the CLI: "topic/subscription" or the queue.</summary>
    public static string KeyOf(Endpoint endpoint) => endpoint.RedeliveryTarget ?? endpoint.EntityName;

    public static bool TryResolve(Topology topology, string name, out Endpoint endpoint)
    {
        var parts = name.Trim().Trim('/').Split('/');
        var (entity, subscription) = parts switch
        {
            [var queue] => (queue, (string?)null),
            [var topic, var sub] => (topic, sub),
            [var topic, var literal, var sub] when literal.Equals("subscriptions", StringComparison.OrdinalIgnoreCase) => (topic, sub),
            _ => ("", null),
        };
        endpoint = topology.Endpoints.FirstOrDefault(e =>
            string.Equals(e.EntityName, entity, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(e.SubscriptionName, subscription, StringComparison.OrdinalIgnoreCase))!;
        return endpoint is not null;
    }

    /// <exception cref="UnknownEntityException">The name is no subscription or queue of the topology.</exception>
    public static Endpoint Resolve(Topology topology, string name) =>
        TryResolve(topology, name, out var endpoint)
            ? endpoint
            : throw new UnknownEntityException(name, [.. topology.Endpoints.Select(KeyOf)]);
}

/// <summary>A name that is no subscription or queue of the topology; the message lists the valid ones.</summary>
public sealed class UnknownEntityException(string name, IReadOnlyList<string> known)
    : ArgumentException($"'{name}' is not a subscription or queue of the topology; use one of: {string.Join(", ", known)}")
{
    public string Name { get; } = name;
}

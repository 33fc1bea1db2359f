using System.Collections.Concurrent;

namespace AzureOrders.Notifications;

/// <param name="NotificationId">Stable per (order, kind): providers (email/SMS APIs) take it as their idempotency key.</param>
public sealed record Notification(string NotificationId, string OrderId, string CustomerId, string Kind, string Channel, string Subject, string Body);

/// <summary>The channel to the customer (email, SMS, push). Must treat a repeated NotificationId as already sent.</summary>
public interface INotificationSender
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}

/// <summary>Keeps what was sent in memory (local runs, tests), one delivery per NotificationId like a real provider.</summary>
public sealed class InMemoryNotificationSender : INotificationSender
{
    private readonly ConcurrentDictionary<string, Notification> _delivered = new(StringComparer.Ordinal);
    private int _calls;

    public IReadOnlyCollection<Notification> Delivered => [.. _delivered.Values];
    public int Calls => _calls;

    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _delivered.TryAdd(notification.NotificationId, notification);
        return Task.CompletedTask;
    }
}

using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AzureOrders.Notifications;

/// <summary>Section <c>Notifications</c>: how customers are told (required, like the payment gateway).</summary>
public sealed record NotificationsOptions
{
    public const string Section = "Notifications";
    /// <summary>Writes each notification to the log: a simulator for deployments without an email/SMS provider.</summary>
    public const string LogSender = "Log";
    /// <summary>Keeps what was sent in memory (local runs and tests read it back).</summary>
    public const string InMemorySender = "InMemory";

    public string? Sender { get; set; }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Sender))
            yield return $"{Section}:Sender is not set. Set it to '{LogSender}' or '{InMemorySender}' to use a simulated sender explicitly " +
                         "(this template ships no email/SMS provider; add one behind INotificationSender and register it).";
        else if (!string.Equals(Sender, LogSender, StringComparison.OrdinalIgnoreCase) && !string.Equals(Sender, InMemorySender, StringComparison.OrdinalIgnoreCase))
            yield return $"{Section}:Sender '{Sender}' is unknown; the built-in senders are '{LogSender}' and '{InMemorySender}'.";
    }

    public string Describe() => $"notification sender: {Sender} (simulated)";
}

public static class NotificationsRegistration
{
    /// <summary>The Notifications service (choreography, consumer "notifications") with the sender chosen by <see cref="NotificationsOptions.Sender"/>.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<NotificationsOptions>(configuration, NotificationsOptions.Section, o => o.Problems());
        services.AddCosmosDocuments(NotificationsJsonContext.Default);
        services.TryAddSingleton<InMemoryNotificationSender>();
        services.TryAddSingleton<INotificationSender>(sp =>
            string.Equals(sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.Sender, NotificationsOptions.InMemorySender, StringComparison.OrdinalIgnoreCase)
                ? sp.GetRequiredService<InMemoryNotificationSender>()
                : new LoggingNotificationSender(sp.GetRequiredService<ILogger<LoggingNotificationSender>>()));
        services.AddMessageHandler<OrderNotificationHandler>(Services.Notifications);
        return services;
    }
}

/// <summary>A sender that only logs (the deployed simulator): bounded memory, and each notification visible in the logs.</summary>
public sealed class LoggingNotificationSender(ILogger<LoggingNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        logger.LogInformation("Notification {NotificationId} ({Kind}, {Channel}) to customer {CustomerId} for order {OrderId}: {Subject}",
            notification.NotificationId, notification.Kind, notification.Channel, notification.CustomerId, notification.OrderId, notification.Subject);
        return Task.CompletedTask;
    }
}

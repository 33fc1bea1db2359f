using AzureOrders.Notifications;
using AzureOrders.Payments;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AzureOrders.Hosting;

/// <summary>
/// Says once, at start-up, which payment gateway and notification sender this process uses, so a simulator in a
/// deployment is a visible, deliberate choice (both are required settings; validation fails the start without them).
/// </summary>
public sealed class IntegrationsReport(IOptions<PaymentsOptions> payments, IOptions<NotificationsOptions> notifications, ILogger<IntegrationsReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("Integrations: {Payments}; {Notifications}", payments.Value.Describe(), notifications.Value.Describe());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

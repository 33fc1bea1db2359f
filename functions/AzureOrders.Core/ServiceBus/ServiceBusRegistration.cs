using Azure.Core;
using AzureOrders.Messaging;
using AzureOrders.Messaging.Dispatch;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AzureOrders.ServiceBus;

public static class ServiceBusRegistration
{
    /// <summary>
    /// The ServiceBusClient (through AddAzureClients: a connection string for the emulators, the namespace plus the
    /// registered <see cref="TokenCredential"/> in Azure) and the publisher that sends events, commands and delayed retries.
    /// </summary>
    public static IServiceCollection AddServiceBusTransport(this IServiceCollection services, string? connectionString, string? fullyQualifiedNamespace)
    {
        services.AddAzureClients(clients =>
        {
            if (connectionString is not null) clients.AddServiceBusClient(connectionString);
            else
            {
                clients.AddServiceBusClientWithNamespace(fullyQualifiedNamespace ?? throw new ArgumentNullException(nameof(fullyQualifiedNamespace)));
                clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());
            }
        });
        services.TryAddSingleton<ServiceBusEventPublisher>();
        services.TryAddSingleton<IEventPublisher>(sp => sp.GetRequiredService<ServiceBusEventPublisher>());
        services.TryAddSingleton<IDelayedRetryScheduler>(sp => sp.GetRequiredService<ServiceBusEventPublisher>());
        return services;
    }

    /// <summary>A ServiceBusProcessor per consumed endpoint, feeding the dispatcher (hosts without the Functions runtime).</summary>
    public static IServiceCollection AddEndpointProcessors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ProcessorOptions>(configuration, ProcessorOptions.Section, o => o.Problems());
        services.TryAddSingleton<EndpointProcessors>();
        services.AddHostedService(sp => sp.GetRequiredService<EndpointProcessors>());
        return services;
    }
}

using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AzureOrders.DeadLetters;

public static class DeadLetterRegistration
{
    /// <summary>The dead-letter explorer and its HTTP answers, with every write audited to the log (Function App ops routes, local console).</summary>
    public static IServiceCollection AddDeadLetterExplorer(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new DeadLetterExplorer(sp.GetRequiredService<ServiceBusClient>(), sp.GetRequiredService<Topology>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("AzureOrders.DeadLetters.Audit");
            return new DeadLetterApi(sp.GetRequiredService<DeadLetterExplorer>(), sp.GetRequiredService<TimeProvider>(),
                line => logger.LogInformation("dead-letter audit: {AuditLine}", line.ToString()));
        });
        return services;
    }
}

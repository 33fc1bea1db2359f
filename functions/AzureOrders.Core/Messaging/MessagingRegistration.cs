using AzureOrders.Messaging.Dispatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AzureOrders.Messaging;

public static class MessagingRegistration
{
    /// <summary>
    /// The dispatcher and what every consumer shares: the topology (the embedded infra/topology.json unless the host
    /// registers another), the system clock, <see cref="MessagingOptions"/> from section <c>Messaging</c>. The transport
    /// (an <see cref="IEventPublisher"/> and <see cref="IDelayedRetryScheduler"/>) comes from AddServiceBusTransport or a test.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Topology.Default);
        services.AddValidatedOptions<MessagingOptions>(configuration, MessagingOptions.Section, o => o.Problems());
        services.AddValidatedOptions<Persistence.OutboxRelayOptions>(configuration, Persistence.OutboxRelayOptions.Section, o => o.Problems());
        services.TryAddSingleton<ConsumerPipelines>();
        services.TryAddSingleton<MessageDispatcher>();
        return services;
    }

    /// <summary>Registers a handler for a consumer of the topology (the <c>consumer</c> of its subscriptions and queues).</summary>
    public static IServiceCollection AddMessageHandler<THandler>(this IServiceCollection services, string consumer)
        where THandler : class, IMessageHandler
    {
        services.AddKeyedSingleton<IMessageHandler, THandler>(consumer);
        return services;
    }
}

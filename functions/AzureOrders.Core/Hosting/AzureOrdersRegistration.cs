using AzureOrders.Inventory;
using AzureOrders.Messaging;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Orders.Saga;
using AzureOrders.Payments;
using AzureOrders.Persistence;
using AzureOrders.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Hosting;

/// <summary>
/// The composition every host shares (Function App, local runner, test harness): nothing here but calls to each
/// service's and each plumbing layer's own registration method. Nothing in Core depends on this namespace.
/// </summary>
public static class AzureOrdersRegistration
{
    /// <summary>Everything, connected to Service Bus and Cosmos DB as <see cref="ConnectionSettings"/> says.</summary>
    public static IServiceCollection AddAzureOrders(this IServiceCollection services, IConfiguration configuration, ConnectionSettings? connections = null)
    {
        connections ??= ConnectionSettings.Load(configuration);
        services.AddSingleton(connections);
        services.AddCosmosStore(connections.CosmosConnectionString, connections.CosmosEndpoint, connections.CosmosDatabaseName);
        services.AddServiceBusTransport(connections.ServiceBusConnectionString, connections.ServiceBusNamespace);
        return services.AddAzureOrdersServices(configuration);
    }

    /// <summary>The dispatcher and the five consumers' services, over whatever store and transport are registered.</summary>
    public static IServiceCollection AddAzureOrdersServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMessaging(configuration);
        services.AddOrders(configuration);
        services.AddInventory();
        services.AddPayments(configuration);
        services.AddNotifications(configuration);
        services.AddOrderSaga(configuration);
        services.AddHostedService<IntegrationsReport>();
        return services;
    }
}

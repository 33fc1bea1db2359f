using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AzureOrders.Orders;

public static class OrdersRegistration
{
    public const string Section = "Orders";

    /// <summary>
    /// The Orders service: placing orders (the HTTP API), the event-sourced order stream and its lifecycle, the
    /// order-views read model (consumer "orders"), the catalog, and <see cref="PlaceOrderOptions"/> from section <c>Orders</c>.
    /// </summary>
    public static IServiceCollection AddOrders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PlaceOrderOptions>(configuration, Section, Problems);
        services.AddCosmosDocuments(OrdersJsonContext.Default);
        services.TryAddSingleton<IProductCatalog>(_ => new SeedProductCatalog());
        services.TryAddSingleton<OrderStream>();
        services.TryAddSingleton<OrderViews>();
        services.TryAddSingleton<OrderLifecycle>();
        services.TryAddSingleton(sp => new PlaceOrderService(sp.GetRequiredService<OrderStream>(), sp.GetRequiredService<IProductCatalog>(),
            sp.GetRequiredService<OutboxPublisher>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<PlaceOrderOptions>>().Value));
        services.TryAddSingleton<OrdersApi>();
        services.AddMessageHandler<OrderViewProjectionHandler>(Services.Orders);
        return services;
    }

    private static IEnumerable<string> Problems(PlaceOrderOptions options)
    {
        if (options.EmitVersion is not (MessageTypes.OrderPlacedV1 or MessageTypes.OrderPlacedV2))
            yield return $"{Section}:EmitVersion must be {MessageTypes.OrderPlacedV1} or {MessageTypes.OrderPlacedV2}, not '{options.EmitVersion}'.";
        if (options.Currency is not { Length: 3 })
            yield return $"{Section}:Currency must be a three-letter ISO 4217 code, not '{options.Currency}'.";
    }
}

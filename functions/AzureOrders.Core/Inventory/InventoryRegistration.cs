using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AzureOrders.Inventory;

public static class InventoryRegistration
{
    /// <summary>The Inventory service: stock per SKU, reservations per order, and the reserve/release commands (consumer "inventory").</summary>
    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        services.AddCosmosDocuments(InventoryJsonContext.Default);
        services.TryAddSingleton<StockLedger>();
        services.TryAddSingleton<ReservationStore>();
        services.AddMessageHandler<ReserveInventoryHandler>(Services.Inventory);
        services.AddMessageHandler<ReleaseInventoryHandler>(Services.Inventory);
        return services;
    }
}

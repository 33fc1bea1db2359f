using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Orders;

/// <summary>Reads the order-views read model (GET /api/orders/{id}, the operator console).</summary>
public sealed class OrderViews(Database database)
{
    private readonly Container _views = database.GetContainer(ContainerNames.OrderViews);

    /// <summary>Null when no event of the order has been projected yet.</summary>
    public Task<OrderViewDocument?> ReadAsync(string orderId, CancellationToken cancellationToken) =>
        _views.TryReadItemAsync<OrderViewDocument>(orderId, new PartitionKey(orderId), cancellationToken);
}

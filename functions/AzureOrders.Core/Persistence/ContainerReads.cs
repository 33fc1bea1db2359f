using System.Net;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

public static class ContainerReads
{
    /// <summary>A point read that answers null for a missing item instead of throwing (a 404 is an answer here, not a failure).</summary>
    public static async Task<T?> TryReadItemAsync<T>(this Container container, string id, PartitionKey partitionKey, CancellationToken cancellationToken = default) where T : class
    {
        try
        {
            return (await container.ReadItemAsync<T>(id, partitionKey, cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

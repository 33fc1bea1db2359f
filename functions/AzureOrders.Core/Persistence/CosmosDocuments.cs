using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Persistence;

/// <summary>One service's source-generated metadata for the documents it stores; the Cosmos serializer combines them all.</summary>
public sealed record CosmosDocuments(IJsonTypeInfoResolver Resolver);

public static class CosmosDocumentsRegistration
{
    /// <summary>Lets the shared Cosmos client serialize a service's documents (called by that service's Add method).</summary>
    public static IServiceCollection AddCosmosDocuments(this IServiceCollection services, IJsonTypeInfoResolver resolver)
    {
        services.AddSingleton(new CosmosDocuments(resolver));
        return services;
    }
}

using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AzureOrders.Persistence;

/// <summary>A change a host or test makes to the Cosmos client's options (a request counter, fault injection).</summary>
public sealed record CosmosClientCustomization(Action<IServiceProvider, CosmosClientOptions> Apply);

public static class StoreRegistration
{
    /// <summary>
    /// The one CosmosClient (connection string for emulators and the embedded server, endpoint plus the registered
    /// <see cref="TokenCredential"/> in Azure), the database, and the shared outbox plumbing.
    /// </summary>
    public static IServiceCollection AddCosmosStore(this IServiceCollection services, string? connectionString, Uri? endpoint, string databaseName)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => connectionString is not null
            ? CosmosClientFactory.Create(connectionString, o => Customize(sp, o), Documents(sp))
            : CosmosClientFactory.Create(endpoint ?? throw new ArgumentNullException(nameof(endpoint)), sp.GetRequiredService<TokenCredential>(), o => Customize(sp, o), Documents(sp)));
        services.TryAddSingleton(sp => sp.GetRequiredService<CosmosClient>().GetDatabase(databaseName));
        services.TryAddSingleton<IOutboxStore, CosmosOutboxStore>();
        services.TryAddSingleton<OutboxPublisher>();
        services.TryAddSingleton<OutboxRelay>();
        return services;
    }

    public static IServiceCollection ConfigureCosmosClient(this IServiceCollection services, Action<IServiceProvider, CosmosClientOptions> configure)
    {
        services.AddSingleton(new CosmosClientCustomization(configure));
        return services;
    }

    private static void Customize(IServiceProvider services, CosmosClientOptions options)
    {
        foreach (var customization in services.GetServices<CosmosClientCustomization>()) customization.Apply(services, options);
    }

    private static IEnumerable<System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver> Documents(IServiceProvider services) =>
        [.. services.GetServices<CosmosDocuments>().Select(d => d.Resolver)];
}

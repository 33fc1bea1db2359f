using AzureOrders.Hosting;
using AzureOrders.Orders;
using AzureOrders.Saga.Activities;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AzureOrders.Saga;

public static class SagaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the saga's options (section <see cref="SagaOptions.Section"/>), command sender, starter, router,
    /// consumer and activities. Expects the host to register <see cref="CoreServices"/> and an
    /// <see cref="Messaging.IEventPublisher"/>; TimeProvider defaults to the system clock.
    /// </summary>
    public static IServiceCollection AddOrderSaga(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOrderSaga(SagaOptions.From(configuration));

    public static IServiceCollection AddOrderSaga(this IServiceCollection services, SagaOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton<SagaCommandSender>();
        services.TryAddSingleton<SagaStarter>();
        services.TryAddSingleton(sp => sp.GetRequiredService<CoreServices>().Orders);
        services.TryAddSingleton(sp => new SagaReplyRouter(sp.GetRequiredService<SagaCommandSender>(), sp.GetRequiredService<CoreServices>().Streams));
        services.TryAddSingleton<SagaConsumer>();
        // Activities are resolved per execution (Functions shims and the Durable worker both do so).
        services.TryAddTransient<ReserveInventoryActivity>();
        services.TryAddTransient<CapturePaymentActivity>();
        services.TryAddTransient<ReleaseInventoryActivity>();
        services.TryAddTransient<VoidPaymentActivity>();
        services.TryAddTransient<ConfirmOrderActivity>();
        services.TryAddTransient<CancelOrderActivity>();
        return services;
    }

    /// <summary>Registers the orchestrator and activities, typed, for hosts running a Durable Task worker (local runner, tests).</summary>
    public static DurableTaskRegistry AddOrderSaga(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<OrderFulfillmentSaga>()
        .AddActivity<ReserveInventoryActivity>()
        .AddActivity<CapturePaymentActivity>()
        .AddActivity<ReleaseInventoryActivity>()
        .AddActivity<VoidPaymentActivity>()
        .AddActivity<ConfirmOrderActivity>()
        .AddActivity<CancelOrderActivity>();
}

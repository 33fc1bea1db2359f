using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Orders.Saga.Activities;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AzureOrders.Orders.Saga;

public static class SagaRegistration
{
    /// <summary>
    /// The order saga, the Orders service's process manager: its consumer "saga" (order.placed starts it, replies are
    /// raised on it), command sender, starter, reply router and activities, and <see cref="SagaOptions"/> from section
    /// <c>Saga</c>. Needs AddOrders (the activities confirm and cancel on the order stream).
    /// </summary>
    public static IServiceCollection AddOrderSaga(this IServiceCollection services, IConfiguration configuration, Action<SagaOptions>? configure = null)
    {
        services.AddOptions<SagaOptions>()
            .Configure(o =>
            {
                var read = SagaOptions.From(configuration);
                o.Timeouts = read.Timeouts;
                o.Retry = read.Retry;
                o.SerializeStarts = read.SerializeStarts;
                configure?.Invoke(o);
            })
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SagaOptions>>(new SagaOptionsValidation());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SagaCommandSender>();
        services.TryAddSingleton<SagaStarter>();
        services.TryAddSingleton<SagaReplyRouter>();
        services.TryAddSingleton(sp => new DurableClientAccessor(sp.GetService<DurableTaskClient>()));
        services.AddMessageHandler<SagaMessageHandler>(Services.Saga);
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

    private sealed class SagaOptionsValidation : Microsoft.Extensions.Options.IValidateOptions<SagaOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, SagaOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
        }
    }
}

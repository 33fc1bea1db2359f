using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Saga;
using AzureOrders.ServiceBus;
using Microsoft.DurableTask.Client;

namespace AzureOrders.LocalHost;

public sealed record ConsumerOptions
{
    /// <summary>Per subscription or queue, as host.json's maxConcurrentCalls does for the Function App.</summary>
    public int MaxConcurrentCalls { get; init; } = 16;

    /// <summary>
    /// Messages fetched ahead of the handlers. Never more than <see cref="MaxConcurrentCalls"/>: a prefetched message's
    /// lock runs while it waits in the client's buffer, and with 32 prefetched for 16 calls a loaded run lost locks.
    /// </summary>
    public int PrefetchCount { get; init; } = 16;

    /// <summary>Upper bound of the wait before a transiently failed message is abandoned (redelivered).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Every endpoint of the topology (subscription or command queue) gets a ServiceBusProcessor that feeds Core's
/// pipeline, with the same settlement rules as the Function App: complete, dead-letter with reason, or, for a
/// transient failure, wait a bounded backoff and abandon so the broker redelivers (and dead-letters after maxDeliveryCount).
/// </summary>
public sealed class ServiceBusConsumers(
    ServiceBusClient client,
    CoreServices core,
    SagaConsumer saga,
    DurableTaskClient durable,
    ConsumerStatistics statistics,
    ConsumerOptions options,
    Faults.FaultInjector faults,
    ILogger<ServiceBusConsumers> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<ServiceBusProcessor> _processors = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in core.Topology.Endpoints)
        {
            var processorOptions = new ServiceBusProcessorOptions
            {
                AutoCompleteMessages = false,
                MaxConcurrentCalls = options.MaxConcurrentCalls,
                PrefetchCount = Math.Min(options.PrefetchCount, options.MaxConcurrentCalls),
                MaxAutoLockRenewalDuration = TimeSpan.FromMinutes(5),
            };
            var processor = endpoint.SubscriptionName is { } subscription
                ? client.CreateProcessor(endpoint.EntityName, subscription, processorOptions)
                : client.CreateProcessor(endpoint.EntityName, processorOptions);
            processor.ProcessMessageAsync += args => HandleAsync(endpoint, args);
            processor.ProcessErrorAsync += args =>
            {
                logger.LogWarning(args.Exception, "Service Bus error on {Entity} ({Source})", args.EntityPath, args.ErrorSource);
                return Task.CompletedTask;
            };
            _processors.Add(processor);
            await processor.StartProcessingAsync(cancellationToken);
        }
        logger.LogInformation("Consuming {Count} endpoints of the topology", _processors.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var processor in _processors) await processor.StopProcessingAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var processor in _processors) await processor.DisposeAsync();
        _processors.Clear();
    }

    private async Task HandleAsync(Messaging.Endpoint endpoint, ProcessMessageEventArgs args)
    {
        var inbound = ServiceBusMessageMapping.ToInboundMessage(args.Message);
        var settlement = endpoint.Consumer == Services.Saga
            ? await saga.ProcessAsync(inbound, durable, args.CancellationToken)
            : await core.PipelineFor(endpoint.EntityName, endpoint.SubscriptionName).ProcessAsync(inbound, args.CancellationToken);
        statistics.Record(settlement);
        if (faults.HoldBack(endpoint.Consumer, args.Message, settlement))
        {
            // Injected crash before settling, or a planned duplicate: hand it back so the broker delivers it again.
            await args.AbandonMessageAsync(args.Message, cancellationToken: args.CancellationToken);
            return;
        }
        try
        {
            await SettlementExecutor.ApplyAsync(settlement, new ProcessorSettlementActions(args), args.CancellationToken);
        }
        catch (TransientMessageFailureException transient)
        {
            // Backoff, not a hot loop: hold the lock a moment, then hand the message back for redelivery.
            var delay = transient.SuggestedDelay < options.MaxRetryDelay ? transient.SuggestedDelay : options.MaxRetryDelay;
            logger.LogDebug(transient, "Transient failure on {Endpoint}, delivery {Delivery}; retrying in {Delay}", endpoint.Path, args.Message.DeliveryCount, delay);
            await Task.Delay(delay, args.CancellationToken);
            await args.AbandonMessageAsync(args.Message, cancellationToken: args.CancellationToken);
        }
    }

    private sealed class ProcessorSettlementActions(ProcessMessageEventArgs args) : ISettlementActions
    {
        public Task CompleteAsync(CancellationToken cancellationToken) => args.CompleteMessageAsync(args.Message, cancellationToken);

        public Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken) =>
            args.DeadLetterMessageAsync(args.Message, new Dictionary<string, object>(properties), reason, description, cancellationToken);
    }
}

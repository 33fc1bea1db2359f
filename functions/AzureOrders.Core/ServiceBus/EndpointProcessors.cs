using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging.Dispatch;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBus;

/// <summary>
/// How a host without the Functions runtime receives: per subscription or queue, as host.json's serviceBus settings
/// do for the Function App (docs/architecture.md).
/// </summary>
public sealed record ProcessorOptions
{
    public const string Section = "Processors";

    public int MaxConcurrentCalls { get; set; } = 16;

    /// <summary>
    /// Messages fetched ahead of the handlers; never more than <see cref="MaxConcurrentCalls"/>: a prefetched message's
    /// lock runs while it waits in the client's buffer, and with twice as many prefetched a loaded run lost locks.
    /// </summary>
    public int PrefetchCount { get; set; } = 16;

    public TimeSpan MaxAutoLockRenewalDuration { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<string> Problems()
    {
        if (MaxConcurrentCalls < 1) yield return $"{Section}:MaxConcurrentCalls must be at least 1, not {MaxConcurrentCalls}.";
        if (PrefetchCount < 0) yield return $"{Section}:PrefetchCount must be 0 or more, not {PrefetchCount}.";
    }
}

/// <summary>
/// The local runner's (and test harnesses') Service Bus trigger: one ServiceBusProcessor per endpoint the composition
/// consumes, each message handed to the dispatcher with its settlement actions. Nothing else happens here, as in the
/// Function App's trigger methods.
/// </summary>
public sealed class EndpointProcessors(
    ServiceBusClient client,
    MessageDispatcher dispatcher,
    Microsoft.Extensions.Options.IOptions<ProcessorOptions> options,
    ILogger<EndpointProcessors> logger) : IHostedService, IAsyncDisposable
{
    private readonly List<ServiceBusProcessor> _processors = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var endpoint in dispatcher.Endpoints)
        {
            var processorOptions = new ServiceBusProcessorOptions
            {
                AutoCompleteMessages = false,
                MaxConcurrentCalls = settings.MaxConcurrentCalls,
                PrefetchCount = Math.Min(settings.PrefetchCount, settings.MaxConcurrentCalls),
                MaxAutoLockRenewalDuration = settings.MaxAutoLockRenewalDuration,
            };
            var processor = endpoint.SubscriptionName is { } subscription
                ? client.CreateProcessor(endpoint.EntityName, subscription, processorOptions)
                : client.CreateProcessor(endpoint.EntityName, processorOptions);
            processor.ProcessMessageAsync += args => dispatcher.DispatchAsync(endpoint,
                ServiceBusMessageMapping.ToInboundMessage(args.Message), new ProcessorSettlementActions(args), args.CancellationToken);
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
        await Task.WhenAll(_processors.Select(p => p.StopProcessingAsync(cancellationToken)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var processor in _processors) await processor.DisposeAsync();
        _processors.Clear();
    }
}

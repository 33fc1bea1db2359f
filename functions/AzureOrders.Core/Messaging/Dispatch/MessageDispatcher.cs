using AzureOrders.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AzureOrders.Messaging.Dispatch;

/// <summary>
/// The one entry point every host calls for a received message: (endpoint, message, settlement actions) in, the message
/// settled out. It runs the consumer's pipeline (parse, validate, dedupe, handle, outbox, in-delivery retry) and carries
/// out its decision: complete, dead-letter with a reason, or, for a transient failure, a delayed retry (a scheduled copy
/// for this endpoint only, then the original completed) until <see cref="DelayedRetryOptions.MaxRetries"/> are used up,
/// then dead-letter with RetriesExhausted. The Function App's triggers and the local runner's processors do nothing else.
/// </summary>
public sealed class MessageDispatcher(
    ConsumerPipelines pipelines,
    IDelayedRetryScheduler scheduler,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    IEnumerable<IDispatchObserver> observers,
    ILogger<MessageDispatcher> logger)
{
    private readonly IDispatchObserver[] _observers = [.. observers];
    private readonly DelayedRetryOptions _retry = options.Value.DelayedRetry;

    public IReadOnlyList<Endpoint> Endpoints => pipelines.Endpoints;

    public async Task<DispatchResult> DispatchAsync(Endpoint endpoint, InboundMessage message, ISettlementActions actions, CancellationToken cancellationToken)
    {
        // Settled inside the consumer's span, so the span shows what was done (a scheduled retry, RetriesExhausted).
        var result = await pipelines.For(endpoint.Consumer).ProcessAsync(message,
            (settlement, ct) => SettleAsync(endpoint, message, settlement, actions, ct), cancellationToken);
        foreach (var observer in _observers) observer.Dispatched(endpoint, message, result);
        return result;
    }

    private async Task<DispatchResult> SettleAsync(Endpoint endpoint, InboundMessage message, Settlement settlement, ISettlementActions actions, CancellationToken cancellationToken)
    {
        if (_observers.Any(o => o.HandBack(endpoint, message, settlement)))
        {
            await actions.AbandonAsync(cancellationToken);
            return new DispatchResult(settlement, SettledAs.Abandoned);
        }
        return settlement switch
        {
            Settlement.Complete => await CompleteAsync(settlement, actions, cancellationToken),
            Settlement.DeadLetter deadLetter => await DeadLetterAsync(deadLetter, actions, cancellationToken),
            Settlement.Retry retry => await RetryLaterAsync(endpoint, message, retry, actions, cancellationToken),
            _ => throw new InvalidOperationException($"Unknown settlement {settlement.GetType().Name}."),
        };
    }

    private static async Task<DispatchResult> CompleteAsync(Settlement settlement, ISettlementActions actions, CancellationToken cancellationToken)
    {
        await actions.CompleteAsync(cancellationToken);
        return new DispatchResult(settlement, SettledAs.Completed);
    }

    private static async Task<DispatchResult> DeadLetterAsync(Settlement.DeadLetter deadLetter, ISettlementActions actions, CancellationToken cancellationToken)
    {
        await actions.DeadLetterAsync(deadLetter.ReasonCode, Truncate(deadLetter.Description), deadLetter.Properties, cancellationToken);
        return new DispatchResult(deadLetter, SettledAs.DeadLettered);
    }

    private async Task<DispatchResult> RetryLaterAsync(Endpoint endpoint, InboundMessage message, Settlement.Retry retry, ISettlementActions actions, CancellationToken cancellationToken)
    {
        var done = message.RetryCount;
        var error = $"{retry.Exception.GetType().Name}: {retry.Exception.Message}";
        if (done >= _retry.MaxRetries)
        {
            var exhausted = Settlement.DeadLetter.Create(DeadLetterReason.RetriesExhausted,
                $"Still failing after {done} delayed retries (the last with {retry.Attempts} attempt(s) in delivery): {error}",
                endpoint.Consumer, time.GetUtcNow(), exception: retry.Exception,
                extra: new Dictionary<string, object> { [DeadLetterProperties.RetryCount] = done });
            logger.LogWarning(retry.Exception, "{Endpoint}: message {MessageId} dead-lettered after {Retries} delayed retries", endpoint.Path, message.MessageId, done);
            return await DeadLetterAsync(exhausted, actions, cancellationToken) with { Settlement = exhausted };
        }

        var delay = _retry.DelayFor(done + 1, Random.Shared.NextDouble());
        try
        {
            await scheduler.ScheduleAsync(new DelayedRetry(endpoint, message, done + 1, time.GetUtcNow() + delay, Truncate(error, 256)), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Service Bus refused the copy too (it is the same namespace): the broker's own redelivery is the fallback,
            // and its maxDeliveryCount still bounds it.
            logger.LogWarning(e, "{Endpoint}: could not schedule retry {Retry} of {MessageId}; abandoning it for immediate redelivery", endpoint.Path, done + 1, message.MessageId);
            await actions.AbandonAsync(cancellationToken);
            return new DispatchResult(retry, SettledAs.Abandoned);
        }
        // The copy is durable before the original goes: a crash in between delivers both, and the consumer's dedupe
        // (same eventId) makes the second a no-op.
        await actions.CompleteAsync(cancellationToken);
        OrderMetrics.DelayedRetries.Add(1,
            new KeyValuePair<string, object?>(Telemetry.Tags.Consumer, endpoint.Consumer),
            new KeyValuePair<string, object?>(Telemetry.Tags.Retry, done + 1));
        logger.LogDebug("{Endpoint}: {MessageId} retries in {Delay} (retry {Retry}): {Error}", endpoint.Path, message.MessageId, delay, done + 1, error);
        return new DispatchResult(retry, SettledAs.RetryScheduled, delay);
    }

    // Service Bus caps the dead-letter description at 4 KB; keep the start, which says what was wrong.
    private static string Truncate(string text, int max = 4000) => text.Length <= max ? text : text[..(max - 3)] + "...";
}

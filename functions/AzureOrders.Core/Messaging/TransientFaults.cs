using System.Net;
using System.Net.Sockets;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Messaging;

/// <summary>
/// The one place that decides transient vs permanent. Transient means "the same message may succeed
/// later": the pipeline lets it be redelivered (the SDKs have already retried a few times inside).
/// </summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        AggregateException a => a.InnerExceptions.Any(IsTransient),
        TransientFailureException => true,
        CosmosException c => IsTransientCosmosStatus(c.StatusCode),
        ServiceBusException sb => sb.IsTransient || sb.Reason is
            ServiceBusFailureReason.ServiceBusy or
            ServiceBusFailureReason.ServiceTimeout or
            ServiceBusFailureReason.ServiceCommunicationProblem or
            ServiceBusFailureReason.QuotaExceeded,
        TimeoutException or HttpRequestException or SocketException or IOException => true,
        // A timeout inside the SDK surfaces as a cancellation that the caller did not ask for.
        OperationCanceledException => true,
        // A gateway behind an open circuit or a timeout fails fast; the message comes back later.
        Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>
    /// A transient failure reported by Cosmos DB itself: a <see cref="CosmosException"/> with a status that
    /// <see cref="IsTransientCosmosStatus"/> lists (a 429 reaching us has outlived the SDK's own retries; the SDK
    /// does not retry a 503 on a write at all), or the SDK's request timeout. Deliberately narrower than
    /// <see cref="IsTransient"/>: it is what the pipeline re-runs inside one delivery, which is only worth it for a
    /// store that usually recovers within milliseconds. The payment gateway (behind its circuit breaker) and Service
    /// Bus keep going back to the broker. Exceptions that merely wrap a Cosmos failure do not count: the wrapper
    /// (e.g. a gateway's TransientFailureException) is someone else's decision.
    /// </summary>
    public static bool IsTransientCosmos(Exception exception) => exception switch
    {
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransientCosmos),
        CosmosException or CosmosOperationCanceledException => IsTransient(exception),
        _ => false,
    };

    /// <summary>
    /// How long Cosmos DB asked the client to wait (x-ms-retry-after-ms, on 429 and some 503s), when it said so;
    /// looked for in wrapped exceptions too, since the hint stays true whoever rethrew it.
    /// </summary>
    public static TimeSpan? RetryAfterOf(Exception exception) => exception switch
    {
        CosmosException { RetryAfter: { } after } when after > TimeSpan.Zero => after,
        AggregateException a => a.InnerExceptions.Select(RetryAfterOf).Max(),
        _ => exception.InnerException is { } inner ? RetryAfterOf(inner) : null,
    };

    public static bool IsTransientCosmosStatus(HttpStatusCode status) => (int)status is
        429 // throttled (RU budget)
        or 503 // service unavailable
        or 408 // request timeout
        or 410 // gone (partition moved)
        or 449 // retry with
        or 500; // the service asks the client to retry internal errors
}

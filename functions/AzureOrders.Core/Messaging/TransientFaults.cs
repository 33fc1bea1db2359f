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

    public static bool IsTransientCosmosStatus(HttpStatusCode status) => (int)status is
        429 // throttled (RU budget)
        or 503 // service unavailable
        or 408 // request timeout
        or 410 // gone (partition moved)
        or 449 // retry with
        or 500; // the service asks the client to retry internal errors

    /// <summary>Exponential backoff hint from the delivery count (1 s, 2 s, 4 s ... capped at 60 s).</summary>
    public static TimeSpan BackoffFor(int deliveryCount) =>
        TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Clamp(deliveryCount - 1, 0, 6))));
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AzureOrders.Diagnostics;

/// <summary>
/// Consumer lag as observable gauges: the last sampled active and dead-letter counts per subscription or queue.
/// Counting means asking the broker, so a host's sampler reports here on its own schedule and the gauges only read
/// the latest values (an exporter's collection never waits on Service Bus).
/// </summary>
public static class ConsumerLag
{
    private static readonly ConcurrentDictionary<(string Entity, string? Subscription, string Consumer), (long Active, long DeadLetter)> Latest = new();

    public static readonly ObservableGauge<long> ActiveMessages = Telemetry.Meter.CreateObservableGauge(
        "azureorders.consumer.active_messages", () => Observe(c => c.Active), "{message}", "Messages waiting (or locked) per subscription or queue, last sample.");

    public static readonly ObservableGauge<long> DeadLetterMessages = Telemetry.Meter.CreateObservableGauge(
        "azureorders.consumer.dead_letter_messages", () => Observe(c => c.DeadLetter), "{message}", "Messages in the dead-letter sub-queue per subscription or queue, last sample.");

    public static void Report(string entityName, string? subscriptionName, string consumer, long active, long deadLetter)
    {
        _ = ActiveMessages; // touch the instruments so they exist before the first collection
        Latest[(entityName, subscriptionName, consumer)] = (active, deadLetter);
    }

    /// <summary>Forget everything sampled (a host stopping, so a next one in the same process starts clean).</summary>
    public static void Clear() => Latest.Clear();

    private static IEnumerable<Measurement<long>> Observe(Func<(long Active, long DeadLetter), long> value) =>
        Latest.Select(entry => new Measurement<long>(value(entry.Value),
            new KeyValuePair<string, object?>(MessagingTelemetry.DestinationName, entry.Key.Entity),
            new KeyValuePair<string, object?>(MessagingTelemetry.SubscriptionName, entry.Key.Subscription ?? ""),
            new KeyValuePair<string, object?>(Telemetry.Tags.Consumer, entry.Key.Consumer)));
}

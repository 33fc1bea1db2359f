using System.Diagnostics.Metrics;

namespace AzureOrders.Diagnostics;

/// <summary>The business and handling instruments on <see cref="Telemetry.Meter"/> (names follow OpenTelemetry's dotted style).</summary>
public static class OrderMetrics
{
    public static readonly Counter<long> OrdersPlaced =
        Telemetry.Meter.CreateCounter<long>("azureorders.orders.placed", "{order}", "Orders accepted (first placement only, not idempotent repeats).");

    public static readonly Counter<long> OrdersConfirmed =
        Telemetry.Meter.CreateCounter<long>("azureorders.orders.confirmed", "{order}", "Orders that reached CONFIRMED.");

    public static readonly Counter<long> OrdersCancelled =
        Telemetry.Meter.CreateCounter<long>("azureorders.orders.cancelled", "{order}", "Orders that reached CANCELLED, by reason.");

    public static readonly Histogram<double> SagaDuration =
        Telemetry.Meter.CreateHistogram<double>("azureorders.saga.duration", "s", "Order saga from start to confirmed or cancelled, by outcome.");

    public static readonly Histogram<double> HandlerDuration =
        Telemetry.Meter.CreateHistogram<double>("azureorders.handler.duration", "s", "One message through the pipeline, by consumer, event type and outcome.");

    public static readonly Counter<long> HandlerRetriesInDelivery =
        Telemetry.Meter.CreateCounter<long>("azureorders.handler.retries_in_delivery", "{retry}", "Handle steps re-run inside one delivery after a transient Cosmos DB failure, by consumer.");

    public static readonly Counter<long> DelayedRetries =
        Telemetry.Meter.CreateCounter<long>("azureorders.messages.delayed_retries", "{retry}", "Copies of a transiently failed message scheduled for a later retry, by consumer and retry number.");

    public static readonly Counter<long> DeadLetters =
        Telemetry.Meter.CreateCounter<long>("azureorders.messages.dead_lettered", "{message}", "Messages the pipeline dead-lettered, by consumer and reason.");

    public static readonly Counter<double> CosmosRequestCharge =
        Telemetry.Meter.CreateCounter<double>("azureorders.cosmos.request_charge", "{request_unit}", "Request units charged by Cosmos DB, by operation and container.");

    public static readonly Counter<long> CosmosRoundTrips =
        Telemetry.Meter.CreateCounter<long>("azureorders.cosmos.round_trips", "{request}", "Requests that left the Cosmos client (retries included), by operation and status.");
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AzureOrders.Diagnostics;

/// <summary>
/// The process-wide ActivitySource and Meter, both named <see cref="Name"/>: hosts subscribe to them by name
/// (AddSource/AddMeter). Static because instrumentation must not depend on DI: the pipeline, the saga and the
/// Cosmos handler are constructed in different places by different hosts.
/// </summary>
public static class Telemetry
{
    public const string Name = "AzureOrders";

    /// <summary>Sources the hosts listen to besides ours: the Durable Task SDK (orchestrations, activities) and Cosmos DB.</summary>
    public static readonly IReadOnlyList<string> DependencySources = ["Microsoft.DurableTask", "Azure.Cosmos.Operation"];

    public static readonly ActivitySource Source = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Span and metric attributes of our own (OpenTelemetry's names where one exists).</summary>
    public static class Tags
    {
        public const string CorrelationId = "azureorders.correlation_id";
        public const string OrderId = "azureorders.order_id";
        public const string EventType = "azureorders.event_type";
        public const string Consumer = "azureorders.consumer";
        public const string Outcome = "azureorders.outcome";
        public const string Reason = "azureorders.reason";
        public const string DeadLetterReason = "azureorders.dead_letter_reason";
        public const string Retry = "azureorders.retry";
    }

    /// <summary>Tags a span with the ids that find an order's journey (also log scope values: hosts track activity tags in log scopes).</summary>
    public static void TagOrder(Activity? activity, Guid correlationId, string? orderId)
    {
        if (activity is null) return;
        activity.SetTag(Tags.CorrelationId, correlationId.ToString("D"));
        if (orderId is not null) activity.SetTag(Tags.OrderId, orderId);
    }

    public static void RecordException(Activity? activity, Exception exception)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }
}

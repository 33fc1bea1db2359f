using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AzureOrders.Contracts;
using AzureOrders.Messaging;

namespace AzureOrders.Diagnostics;

/// <summary>
/// Producer and consumer spans after the OpenTelemetry messaging semantic conventions. The producer span is
/// current while the message is mapped, so its context is what travels in <c>traceparent</c>/<c>Diagnostic-Id</c>;
/// the consumer span takes that context back as its parent, which is what chains one order into one trace.
/// </summary>
public static class MessagingTelemetry
{
    public const string System = "servicebus";

    // Semantic convention attribute names (messaging, 1.27+).
    public const string SystemTag = "messaging.system";
    public const string OperationType = "messaging.operation.type";
    public const string OperationName = "messaging.operation.name";
    public const string DestinationName = "messaging.destination.name";
    public const string SubscriptionName = "messaging.destination.subscription.name";
    public const string MessageId = "messaging.message.id";
    public const string ConversationId = "messaging.message.conversation_id";
    public const string DeliveryCount = "messaging.servicebus.message.delivery_count";
    public const string DispositionStatus = "messaging.servicebus.disposition_status";

    /// <summary>On a delivery that scheduled a delayed retry: how long until the copy is due.</summary>
    public const string RetryDelay = "azureorders.retry_delay_ms";

    /// <summary>Times the handle step ran in this delivery (above 1 after in-delivery retries of transient Cosmos failures).</summary>
    public const string HandleAttempts = "azureorders.handle.attempts";

    private static readonly ConcurrentDictionary<(string Consumer, string EventType), Endpoint?> EndpointCache = new();

    /// <summary>Starts <c>send {destination}</c>; create the outgoing message while it is current.</summary>
    public static Activity? StartSend(Envelope envelope, Route route)
    {
        var activity = Telemetry.Source.StartActivity($"send {route.EntityName}", ActivityKind.Producer);
        if (activity is null) return null;
        activity.SetTag(SystemTag, System);
        activity.SetTag(OperationType, "send");
        activity.SetTag(OperationName, "send");
        activity.SetTag(DestinationName, route.EntityName);
        activity.SetTag(MessageId, envelope.EventId.ToString("D"));
        activity.SetTag(ConversationId, envelope.CorrelationId.ToString("D"));
        activity.SetTag(Telemetry.Tags.EventType, envelope.EventType);
        Telemetry.TagOrder(activity, envelope.CorrelationId, OrderIdOf(envelope.Payload));
        return activity;
    }

    /// <summary>
    /// Starts the consumer span of one received message, parented by the message's trace context (the producer span)
    /// when it carries one. A host span that is current but belongs to another trace (a Functions invocation) is linked.
    /// </summary>
    public static Activity? StartProcess(InboundMessage message, string consumer)
    {
        if (!Telemetry.Source.HasListeners()) return null;
        var parent = ParentOf(message);
        var current = Activity.Current;
        ActivityLink[]? links = null;
        if (parent is { } p && current is not null && current.TraceId != p.TraceId) links = [new ActivityLink(current.Context)];
        var activity = parent is { } context
            ? Telemetry.Source.StartActivity($"process {consumer}", ActivityKind.Consumer, context, links: links)
            : Telemetry.Source.StartActivity($"process {consumer}", ActivityKind.Consumer);
        if (activity is null) return null;
        activity.SetTag(SystemTag, System);
        activity.SetTag(OperationType, "process");
        activity.SetTag(OperationName, "process");
        activity.SetTag(Telemetry.Tags.Consumer, consumer);
        if (message.MessageId is { } id) activity.SetTag(MessageId, id);
        activity.SetTag(DeliveryCount, message.DeliveryCount);
        return activity;
    }

    /// <summary>Once the envelope is read: the destination (from the topology) names the span; ids tag it.</summary>
    public static void Describe(Activity? activity, Envelope envelope, string consumer)
    {
        if (activity is null) return;
        activity.SetTag(Telemetry.Tags.EventType, envelope.EventType);
        activity.SetTag(ConversationId, envelope.CorrelationId.ToString("D"));
        Telemetry.TagOrder(activity, envelope.CorrelationId, OrderIdOf(envelope.Payload));
        if (EndpointOf(consumer, envelope.EventType) is { } endpoint)
        {
            activity.DisplayName = $"process {endpoint.EntityName}";
            activity.SetTag(DestinationName, endpoint.EntityName);
            if (endpoint.SubscriptionName is { } subscription) activity.SetTag(SubscriptionName, subscription);
        }
    }

    /// <summary>What was done with the message, as the Service Bus disposition it became.</summary>
    public static void Settled(Activity? activity, Messaging.Dispatch.DispatchResult result)
    {
        if (activity is null) return;
        var settlement = result.Settlement;
        var disposition = result.SettledAs switch
        {
            // A delayed retry completes the original once its copy is scheduled.
            Messaging.Dispatch.SettledAs.Completed or Messaging.Dispatch.SettledAs.RetryScheduled => "complete",
            Messaging.Dispatch.SettledAs.DeadLettered => "dead_letter",
            _ => "abandon",
        };
        var outcome = settlement switch
        {
            Settlement.Complete { Duplicate: true } => "duplicate",
            Settlement.Complete => "complete",
            Settlement.DeadLetter => "dead_letter",
            _ => "retry",
        };
        activity.SetTag(DispositionStatus, disposition);
        activity.SetTag(Telemetry.Tags.Outcome, outcome);
        if (settlement.Attempts > 0) activity.SetTag(HandleAttempts, settlement.Attempts);
        if (result.RetryDelay is { } delay) activity.SetTag(RetryDelay, delay.TotalMilliseconds);
        switch (settlement)
        {
            case Settlement.DeadLetter deadLetter:
                activity.SetTag(Telemetry.Tags.DeadLetterReason, deadLetter.ReasonCode);
                activity.SetStatus(ActivityStatusCode.Error, $"{deadLetter.ReasonCode}: {deadLetter.Description}");
                break;
            case Settlement.Retry retry:
                Telemetry.RecordException(activity, retry.Exception);
                break;
        }
    }

    /// <summary>
    /// A failed attempt that the pipeline retries within the delivery: an exception event on the span, without the
    /// error status (the delivery may still succeed; <see cref="Settled"/> sets the status from the final outcome).
    /// </summary>
    public static void RetryingInDelivery(Activity? activity, Exception exception, int attempt)
    {
        if (activity is null) return;
        activity.AddException(exception, new TagList { { HandleAttempts, attempt } });
    }

    /// <summary>The W3C context a message carries (traceparent, else the Service Bus SDK's Diagnostic-Id).</summary>
    public static ActivityContext? ParentOf(InboundMessage message)
    {
        if (message.ApplicationProperties is not { } properties) return null;
        foreach (var key in (ReadOnlySpan<string>)[MessageProperties.TraceParent, MessageProperties.DiagnosticId])
            if (properties.TryGetValue(key, out var value) && value is string text && ActivityContext.TryParse(text, null, isRemote: true, out var context))
                return context;
        return null;
    }

    /// <summary>Every payload of ours that concerns an order names it <c>orderId</c>.</summary>
    public static string? OrderIdOf(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    private static Endpoint? EndpointOf(string consumer, string eventType) =>
        EndpointCache.GetOrAdd((consumer, eventType), key =>
            Topology.Default.EndpointsOf(key.Consumer).FirstOrDefault(e => e.MessageTypes.Contains(key.EventType, StringComparer.Ordinal)));
}

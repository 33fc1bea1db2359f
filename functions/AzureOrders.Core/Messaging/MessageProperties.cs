namespace AzureOrders.Messaging;

/// <summary>
/// Every Service Bus application property name the system writes or reads, in one place. Subscription rules in
/// infra/topology.json match some of them (<see cref="RedeliverTo"/>), so a rename is a wire change: never rename lightly.
/// </summary>
public static class MessageProperties
{
    // The envelope's routing facts, copied out of the body so rules, tools and the portal can see them.
    public const string EventType = "eventType";
    public const string Source = "source";
    public const string CausationId = "causationId";

    // W3C trace context (the OpenTelemetry propagator reads traceparent; the Service Bus SDK's own name is Diagnostic-Id).
    public const string TraceParent = "traceparent";
    public const string DiagnosticId = "Diagnostic-Id";

    /// <summary>"topic/subscription": a copy sent to one subscription only (resubmit, delayed retry); every subscription has a rule on it.</summary>
    public const string RedeliverTo = "redeliverTo";

    /// <summary>Subject of such a copy: no event-type rule matches it, so only the redeliverTo rule lets it in.</summary>
    public const string RedeliverySubject = "redelivery";

    // Delayed retries: the copy scheduled after a transient failure.
    /// <summary>How many delayed retries this message has had (absent on the original).</summary>
    public const string RetryCount = "retryCount";
    /// <summary>The MessageId of the message whose handling failed first.</summary>
    public const string RetryOf = "retryOf";
    /// <summary>The failure that caused this retry (truncated), so an operator peeking the scheduled copy sees why.</summary>
    public const string RetryReason = "retryReason";

    // Resubmitted dead-letters (dead-letter explorer and console).
    public const string ResubmittedFromSequence = "resubmitted-from-sequence";
    public const string ResubmittedFrom = "resubmitted-from";
    public const string ResubmittedReason = "resubmitted-reason";
    public const string ResubmittedAt = "resubmitted-at";

    /// <summary>Prefix of the context the pipeline adds to a dead-lettered message (<see cref="DeadLetterProperties"/>).</summary>
    public const string DeadLetterContextPrefix = "dlq-";
}

/// <summary>Names of the properties a dead-lettered message carries besides reason and description.</summary>
public static class DeadLetterProperties
{
    public const string Handler = "dlq-handler";
    public const string ExceptionType = "dlq-exception-type";
    public const string Time = "dlq-time";
    public const string EventType = "dlq-event-type";
    /// <summary>Delayed retries made before giving up (RetriesExhausted).</summary>
    public const string RetryCount = "dlq-retry-count";
}

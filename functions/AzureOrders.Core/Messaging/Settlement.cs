using AzureOrders.Contracts;

namespace AzureOrders.Messaging;

/// <summary>Dead-letter reasons of DESIGN ("Handling a message"); the dead-letter explorer groups by them.</summary>
public enum DeadLetterReason
{
    /// <summary>Not a readable envelope: not JSON, invalid UTF-8, empty, oversized, or Subject contradicting eventType.</summary>
    MalformedMessage,
    /// <summary>Unknown type or version, or a type this consumer does not handle.</summary>
    UnsupportedEventType,
    /// <summary>The envelope or payload breaks its JSON Schema.</summary>
    SchemaValidationFailed,
    /// <summary>Schema-valid but impossible (totals differ from the lines, duplicate SKUs, ...).</summary>
    InvariantViolated,
}

/// <summary>How the host must settle the message; the host never decides this itself (AutoCompleteMessages = false).</summary>
public abstract record Settlement
{
    private Settlement() { }

    /// <summary>
    /// How many times the handle step ran in this delivery: 1, up to <see cref="CosmosRetryOptions.MaxAttempts"/> when
    /// Cosmos DB failed transiently and the pipeline retried in process; 0 when the message never reached a handler.
    /// </summary>
    public int Attempts { get; init; }

    /// <summary>Done (first time, or a duplicate whose effects were already there).</summary>
    /// <param name="Published">Messages published while handling (including ones a previous delivery stored but did not publish).</param>
    public sealed record Complete(Envelope Envelope, bool Duplicate, IReadOnlyList<Envelope> Published) : Settlement;

    /// <summary>
    /// Transient: abandon so the broker redelivers (after <see cref="Delay"/> if the host can defer; the
    /// broker dead-letters after maxDeliveryCount). Never a hot loop.
    /// </summary>
    public sealed record Retry(Exception Exception, TimeSpan Delay) : Settlement;

    /// <summary>Permanent: dead-letter now. <see cref="Properties"/> go into the message's application properties.</summary>
    public sealed record DeadLetter(DeadLetterReason Reason, string Description, IReadOnlyDictionary<string, object> Properties) : Settlement
    {
        public string ReasonCode => Reason.ToString();
    }
}

/// <summary>Names of the properties a dead-lettered message carries besides reason and description.</summary>
public static class DeadLetterProperties
{
    public const string Handler = "dlq-handler";
    public const string ExceptionType = "dlq-exception-type";
    public const string Time = "dlq-time";
    public const string EventType = "dlq-event-type";
}

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
    /// <summary>Transient failures outlasted every delayed retry (the description names the last error and the count).</summary>
    RetriesExhausted,
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
    /// Transient: the dispatcher schedules a delayed retry for this endpoint (growing backoff), or dead-letters with
    /// RetriesExhausted when the retries are used up. Never a hot loop.
    /// </summary>
    public sealed record Retry(Exception Exception) : Settlement;

    /// <summary>Permanent: dead-letter now. <see cref="Properties"/> go into the message's application properties.</summary>
    public sealed record DeadLetter(DeadLetterReason Reason, string Description, IReadOnlyDictionary<string, object> Properties) : Settlement
    {
        public string ReasonCode => Reason.ToString();

        /// <summary>A dead-letter decision with its context properties (handler, time, exception type, event type).</summary>
        public static DeadLetter Create(DeadLetterReason reason, string description, string handler, DateTimeOffset now,
            string? eventType = null, Exception? exception = null, IReadOnlyDictionary<string, object>? extra = null)
        {
            var properties = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [DeadLetterProperties.Handler] = handler,
                [DeadLetterProperties.Time] = now.ToString("O"),
            };
            if (exception is not null) properties[DeadLetterProperties.ExceptionType] = exception.GetType().FullName!;
            if (eventType is not null) properties[DeadLetterProperties.EventType] = eventType;
            foreach (var (key, value) in extra ?? new Dictionary<string, object>()) properties[key] = value;
            // Service Bus limits the description to 4 KB; schema error lists can be long.
            if (description.Length > 1024) description = description[..1021] + "...";
            return new DeadLetter(reason, description, properties);
        }
    }
}


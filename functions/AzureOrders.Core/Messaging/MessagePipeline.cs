using System.Collections.Frozen;
using System.Text.Json;
using AzureOrders.Contracts;
using AzureOrders.Diagnostics;
using AzureOrders.Messaging.Dispatch;
using AzureOrders.Persistence;

namespace AzureOrders.Messaging;

/// <summary>How every consumer handles messages; section <c>Messaging</c> (e.g. <c>Messaging:DelayedRetry:MaxRetries</c>).</summary>
public sealed record MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>Larger bodies are refused as malformed (our messages are small facts; a megabyte is a bug or an attack).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Currency assumed when upcasting order.placed.v1 (which has none) to v2.</summary>
    public string DefaultCurrency { get; set; } = OrderPlacedUpcaster.DefaultCurrency;

    /// <summary>Re-running the handle step inside one delivery when Cosmos DB fails transiently.</summary>
    public CosmosRetryOptions CosmosRetry { get; set; } = new();

    /// <summary>Redelivery after a growing backoff when a failure outlasts the in-delivery retry.</summary>
    public DelayedRetryOptions DelayedRetry { get; set; } = new();

    /// <summary>Problems with the settings, each naming its key (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxBodyBytes <= 0) yield return $"{Section}:MaxBodyBytes must be positive, not {MaxBodyBytes}.";
        if (DefaultCurrency is not { Length: 3 }) yield return $"{Section}:DefaultCurrency must be a three-letter ISO 4217 code, not '{DefaultCurrency}'.";
        if (CosmosRetry.MaxAttempts < 1) yield return $"{Section}:CosmosRetry:MaxAttempts must be at least 1, not {CosmosRetry.MaxAttempts}.";
        if (CosmosRetry.MaxDelay < CosmosRetry.MinDelay) yield return $"{Section}:CosmosRetry:MaxDelay must not be below MinDelay.";
        foreach (var problem in DelayedRetry.Problems($"{Section}:DelayedRetry")) yield return problem;
    }
}

/// <summary>
/// A short, bounded retry of transient Cosmos DB failures inside one delivery. Without it every such failure costs
/// a whole redelivery (abandon, broker backoff of seconds), and at a 20% fault rate a good message could use up
/// maxDeliveryCount (docs/reliability.md). Jittered, so consumers that failed together do not retry together.
/// </summary>
public sealed record CosmosRetryOptions
{
    /// <summary>Handle attempts per delivery, the first included (1 turns the retry off).</summary>
    public int MaxAttempts { get; set; } = 3;

    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Longest wait a Cosmos retry-after hint may impose here. A longer ask means the account is in trouble for a
    /// while: better give the message back to the broker (which spaces deliveries out) than hold its lock.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait before the next attempt: a jittered delay, at least what Cosmos asked for (capped).</summary>
    /// <param name="jitter">A number in [0, 1] that picks the delay between <see cref="MinDelay"/> and <see cref="MaxDelay"/>.</param>
    public TimeSpan DelayFor(Exception failure, double jitter)
    {
        var delay = MinDelay + (MaxDelay - MinDelay) * Math.Clamp(jitter, 0, 1);
        if (TransientFaults.RetryAfterOf(failure) is { } asked)
        {
            var honoured = asked < MaxRetryAfter ? asked : MaxRetryAfter;
            if (honoured > delay) delay = honoured;
        }
        return delay;
    }
}

/// <summary>
/// The one handling pipeline every consumer runs, host-agnostic: parse -> validate -> (dedupe + handle +
/// store outgoing with the state, inside the handler's single batch) -> publish and mark dispatched ->
/// settlement decision. It never throws for a message: every outcome is a <see cref="Settlement"/>.
/// </summary>
public sealed class MessagePipeline
{
    private readonly string _consumer;
    private readonly FrozenDictionary<string, IMessageHandler> _handlers;
    private readonly OutboxPublisher _dispatcher;
    private readonly IOutboxStore _outbox;
    private readonly TimeProvider _time;
    private readonly MessagingOptions _options;

    public MessagePipeline(string consumer, IEnumerable<IMessageHandler> handlers, OutboxPublisher dispatcher, IOutboxStore outbox, TimeProvider time, MessagingOptions? options = null)
    {
        _outbox = outbox;
        _consumer = consumer;
        _handlers = handlers.SelectMany(h => h.MessageTypes.Select(t => (t, h))).ToFrozenDictionary(x => x.t, x => x.h, StringComparer.Ordinal);
        _dispatcher = dispatcher;
        _time = time;
        _options = options ?? new MessagingOptions();
    }

    public string Consumer => _consumer;
    public IReadOnlyCollection<string> HandledTypes => _handlers.Keys;

    /// <summary>Runs the message and returns the pipeline's decision, settled as the broker's default would (tests, tools).</summary>
    public async Task<Settlement> ProcessAsync(InboundMessage message, CancellationToken cancellationToken) =>
        (await ProcessAsync(message, (settlement, _) => Task.FromResult(new Dispatch.DispatchResult(settlement, DefaultDisposition(settlement))), cancellationToken)).Settlement;

    /// <summary>
    /// Runs the message under its consumer span (parented by the trace context the message carries, so the handler's
    /// Cosmos calls and publishes join the order's trace), lets <paramref name="settle"/> carry out the decision inside
    /// that span (the dispatcher: complete, dead-letter, schedule a delayed retry), and records on the span and in
    /// the metrics what was finally done.
    /// </summary>
    public async Task<Dispatch.DispatchResult> ProcessAsync(InboundMessage message,
        Func<Settlement, CancellationToken, Task<Dispatch.DispatchResult>> settle, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var span = MessagingTelemetry.StartProcess(message, _consumer);
        string? eventType = null;
        var decided = await ProcessCoreAsync(message, span, type => eventType = type, cancellationToken);
        var result = await settle(decided, cancellationToken);
        MessagingTelemetry.Settled(span, result);
        var outcome = result.Settlement switch
        {
            Settlement.Complete { Duplicate: true } => "duplicate",
            Settlement.Complete => "complete",
            Settlement.DeadLetter => "dead_letter",
            _ => "retry",
        };
        OrderMetrics.HandlerDuration.Record(_time.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>(Telemetry.Tags.Consumer, _consumer),
            new KeyValuePair<string, object?>(Telemetry.Tags.EventType, eventType ?? "unknown"),
            new KeyValuePair<string, object?>(Telemetry.Tags.Outcome, outcome));
        if (result is { SettledAs: Dispatch.SettledAs.DeadLettered, Settlement: Settlement.DeadLetter deadLetter })
            OrderMetrics.DeadLetters.Add(1,
                new KeyValuePair<string, object?>(Telemetry.Tags.Consumer, _consumer),
                new KeyValuePair<string, object?>(Telemetry.Tags.DeadLetterReason, deadLetter.ReasonCode));
        return result;
    }

    private static Dispatch.SettledAs DefaultDisposition(Settlement settlement) => settlement switch
    {
        Settlement.Complete => Dispatch.SettledAs.Completed,
        Settlement.DeadLetter => Dispatch.SettledAs.DeadLettered,
        _ => Dispatch.SettledAs.Abandoned,
    };

    private async Task<Settlement> ProcessCoreAsync(InboundMessage message, System.Diagnostics.Activity? span, Action<string> knownType, CancellationToken cancellationToken)
    {
        // 1. Parse: anything that is not a readable JSON object is malformed.
        if (message.Body.Length == 0) return DeadLetter(DeadLetterReason.MalformedMessage, "empty body", null);
        if (message.Body.Length > _options.MaxBodyBytes)
            return DeadLetter(DeadLetterReason.MalformedMessage, $"body of {message.Body.Length} bytes exceeds {_options.MaxBodyBytes}", null);

        // JsonDocument checks UTF-8 inside strings only when they are read, so check the whole body up front.
        if (!System.Text.Unicode.Utf8.IsValid(message.Body.Span))
            return DeadLetter(DeadLetterReason.MalformedMessage, "the body is not valid UTF-8", null);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.Body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            return DeadLetter(DeadLetterReason.MalformedMessage, $"not valid JSON: {e.Message}", null, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return DeadLetter(DeadLetterReason.MalformedMessage, $"the body is a JSON {root.ValueKind}, not an envelope object", null);

            // 2. Validate: envelope schema, type known and handled here, payload schema, invariants.
            var envelopeCheck = SchemaValidator.Instance.CheckEnvelope(root);
            if (!envelopeCheck.IsValid)
                return DeadLetter(DeadLetterReason.SchemaValidationFailed, $"envelope: {envelopeCheck.Describe()}", TypeOf(root));

            var eventType = root.GetProperty("eventType").GetString()!;
            // A targeted re-delivery carries Subject "redelivery" so that only its target's redelivery rule matches.
            if (message.Subject is { Length: > 0 } subject && !string.Equals(subject, eventType, StringComparison.Ordinal)
                && !(subject == MessageProperties.RedeliverySubject && message.ApplicationProperties?.ContainsKey(MessageProperties.RedeliverTo) == true))
                return DeadLetter(DeadLetterReason.MalformedMessage, $"Subject '{subject}' contradicts eventType '{eventType}'", eventType);
            if (!MessageCatalog.TryGet(eventType, out _))
                return DeadLetter(DeadLetterReason.UnsupportedEventType, $"unknown message type or version '{eventType}'", eventType);
            knownType(eventType); // only catalogued types become metric tags (bounded cardinality)
            if (!_handlers.TryGetValue(eventType, out var handler))
                return DeadLetter(DeadLetterReason.UnsupportedEventType, $"consumer '{_consumer}' does not handle '{eventType}'", eventType);

            var payloadCheck = SchemaValidator.Instance.CheckPayload(eventType, root.GetProperty("payload"));
            if (!payloadCheck.IsValid)
                return DeadLetter(DeadLetterReason.SchemaValidationFailed, $"payload: {payloadCheck.Describe()}", eventType, handler: handler);

            Envelope envelope;
            object payload;
            try
            {
                envelope = root.Deserialize(ContractsJsonContext.Default.Envelope)!;
                payload = envelope.Payload.Deserialize(MessageCatalog.Get(eventType).JsonTypeInfo)!;
            }
            catch (Exception e) when (e is JsonException or FormatException or OverflowException)
            {
                return DeadLetter(DeadLetterReason.SchemaValidationFailed, $"does not bind to the contract: {e.Message}", eventType, e, handler);
            }

            MessagingTelemetry.Describe(span, envelope, _consumer);
            if (ContractInvariants.Check(payload) is { } violation)
                return DeadLetter(DeadLetterReason.InvariantViolated, violation, eventType, handler: handler);

            // Consumers see one version of order.placed: v1 is upcast here, in the one upcaster.
            if (payload is OrderPlacedV1 v1) payload = OrderPlacedUpcaster.Upcast(v1, _options.DefaultCurrency);

            // 3-5. Dedupe + handle + store outgoing (one batch inside the handler), then publish.
            var context = new MessageContext(envelope, payload, _consumer, message.DeliveryCount);
            var attempts = 0;
            try
            {
                HandlerOutcome outcome;
                IReadOnlyList<OutboxEntry> outgoing;
                while (true)
                {
                    attempts++;
                    try
                    {
                        outcome = await handler.HandleAsync(context, cancellationToken);
                        outgoing = outcome.Outgoing;
                        if (outcome is { Duplicate: true, DuplicateContainer: { } container, DuplicatePartitionKey: { } partitionKey })
                        {
                            // A redelivery after a crash between commit and publish: publish exactly what the first
                            // delivery stored (same ids), found through its dedupe key. Costs reads only on this path.
                            outgoing = await _outbox.UndispatchedForAsync(container, partitionKey, _consumer, envelope.EventId, cancellationToken);
                        }
                        break;
                    }
                    catch (Exception e) when (attempts < _options.CosmosRetry.MaxAttempts && !cancellationToken.IsCancellationRequested
                                              && TransientFaults.IsTransientCosmos(e))
                    {
                        // Running the handle step again is what a redelivery would do, minus the broker round trip and
                        // its seconds of backoff: it is idempotent (the dedupe key rides in the handler's one batch, so a
                        // batch that did commit answers "duplicate"; outgoing ids are deterministic; gateway calls carry
                        // the orderId as idempotency key). Only Cosmos failures qualify: a gateway's transient failure
                        // (TransientFailureException, an open circuit, a gateway timeout) still goes back to the broker,
                        // because calling a sick gateway again at once is what its circuit breaker exists to prevent, and
                        // ResilientPaymentGateway's contract is that redelivery is its retry.
                        MessagingTelemetry.RetryingInDelivery(span, e, attempts);
                        OrderMetrics.HandlerRetriesInDelivery.Add(1, new KeyValuePair<string, object?>(Telemetry.Tags.Consumer, _consumer));
                        await Task.Delay(_options.CosmosRetry.DelayFor(e, Random.Shared.NextDouble()), _time, cancellationToken);
                    }
                }
                // Publishing and marking dispatched stay outside the retry: a publish failure is Service Bus's (its client
                // retries sends), and re-running this for a failed mark would send everything again just to mark it.
                var published = await _dispatcher.DispatchAsync(outgoing, cancellationToken);
                return new Settlement.Complete(envelope, outcome.Duplicate, published) { Attempts = attempts };
            }
            catch (InvariantViolationException e)
            {
                return DeadLetter(DeadLetterReason.InvariantViolated, e.Message, eventType, e, handler) with { Attempts = attempts };
            }
            catch (ContractViolationException e)
            {
                // Our own outgoing message broke its schema: a bug, not a passing fault. Retrying cannot fix it.
                return DeadLetter(DeadLetterReason.SchemaValidationFailed, $"outgoing {e.MessageType}: {e.Details}", eventType, e, handler) with { Attempts = attempts };
            }
            catch (Exception e)
            {
                // Transient faults (past the in-delivery retries above) and unknown errors alike get delayed retries from
                // the dispatcher, then the dead-letter queue (RetriesExhausted): nothing loops forever.
                return new Settlement.Retry(e) { Attempts = attempts };
            }
        }
    }

    private static string? TypeOf(JsonElement root) =>
        root.TryGetProperty("eventType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private Settlement.DeadLetter DeadLetter(DeadLetterReason reason, string description, string? eventType, Exception? exception = null, IMessageHandler? handler = null) =>
        Settlement.DeadLetter.Create(reason, description, handler is null ? _consumer : $"{_consumer}/{handler.Name}", _time.GetUtcNow(), eventType, exception);
}

namespace AzureOrders.Messaging;

/// <summary>
/// What any host hands the pipeline: the raw body and the broker metadata that matters. The Function App
/// builds it from a ServiceBusReceivedMessage, the local runner from its processor, tests by hand.
/// </summary>
/// <param name="Body">The message body as received (possibly not JSON, not UTF-8, or too big: the pipeline decides).</param>
/// <param name="Subject">Service Bus Subject (label); must match the envelope's eventType when present.</param>
/// <param name="DeliveryCount">1 on first delivery; drives the retry backoff hint.</param>
public sealed record InboundMessage(
    ReadOnlyMemory<byte> Body,
    string? MessageId = null,
    string? Subject = null,
    int DeliveryCount = 1,
    IReadOnlyDictionary<string, object?>? ApplicationProperties = null,
    string? CorrelationId = null,
    string? ContentType = null)
{
    /// <summary>Delayed retries this message has had: <see cref="MessageProperties.RetryCount"/>, 0 on an original.</summary>
    public int RetryCount => ApplicationProperties?.GetValueOrDefault(MessageProperties.RetryCount) switch
    {
        int n => n,
        long n => (int)n,
        string text when int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => 0,
    };
}

using AzureOrders.Contracts;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using AzureOrders.Diagnostics;
using AzureOrders.Api;
using AzureOrders.Messaging;

namespace AzureOrders.Orders;

/// <summary>What POST /api/orders answers: enough to poll the order.</summary>
public sealed record OrderAccepted(string OrderId, Guid CorrelationId, string Status, string Location);

/// <summary>What GET /api/orders/{id} answers before any event of the order reached the read model.</summary>
public sealed record OrderProcessing(string OrderId, string Status, string Detail);

/// <summary>
/// The orders HTTP API behind every host. Placing is repeat-safe: the same orderId or Idempotency-Key
/// returns the same order (201 the first time, 200 afterwards, both with its Location).
/// </summary>
public sealed class OrdersApi(PlaceOrderService placeOrder, OrderStream streams, OrderViews views)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Larger bodies are refused before parsing: an order is a few hundred bytes.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <param name="contentType">The request's Content-Type header as sent (null when absent).</param>
    public async Task<ApiResponse> PlaceAsync(ReadOnlyMemory<byte> body, string? contentType, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (CheckContentType(contentType) is { } unsupported) return Problem(unsupported);
        if (body.Length > MaxRequestBytes)
            return Problem(ProblemDetails.Malformed($"the body has {body.Length} bytes; an order may have at most {MaxRequestBytes}"));
        if (idempotencyKey is { Length: > 200 })
            return Problem(ProblemDetails.Malformed($"the {IdempotencyKeyHeader} header is longer than 200 characters"));

        PlaceOrderResult result;
        try
        {
            result = await placeOrder.PlaceAsync(body, idempotencyKey, cancellationToken);
        }
        catch (Exception e) when (IsTemporary(e, cancellationToken))
        {
            // The store may or may not have taken the order (a timeout can follow a commit), which is why the detail
            // points at the repeat-safe way to retry rather than promising that nothing happened.
            return Unavailable(e, seconds =>
                $"Order storage is temporarily unavailable; retry in {seconds} s. Repeating the request with the same orderId or {IdempotencyKeyHeader} is safe: it never places a second order.");
        }
        return result switch
        {
            PlaceOrderResult.Accepted accepted => Json(
                accepted.Created ? 201 : 200,
                new OrderAccepted(accepted.OrderId, accepted.CorrelationId, accepted.Status, LocationOf(accepted.OrderId)),
                ApiJsonContext.Default.OrderAccepted,
                LocationOf(accepted.OrderId)),
            PlaceOrderResult.Rejected rejected => Problem(rejected.Problem),
            var other => throw new InvalidOperationException($"Unexpected result {other.GetType().Name}."),
        };
    }

    /// <summary>
    /// The read model (status + timeline). An order that exists but whose events have not been projected yet
    /// answers PROCESSING: eventual consistency, shown honestly rather than as a 404.
    /// </summary>
    public async Task<ApiResponse> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(orderId, cancellationToken);
        }
        catch (Exception e) when (IsTemporary(e, cancellationToken))
        {
            return Unavailable(e, seconds => $"Order storage is temporarily unavailable; retry in {seconds} s.", LocationOf(orderId));
        }
    }

    private async Task<ApiResponse> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        var view = await views.ReadAsync(orderId, cancellationToken);
        if (view is not null) return Json(200, view, ApiJsonContext.Default.OrderViewDocument);

        var head = await streams.ReadHeadAsync(orderId, cancellationToken);
        if (head is not null)
            return Json(200, new OrderProcessing(orderId, OrderStatus.Processing, "The order was accepted; its events are on their way to the read model."), ApiJsonContext.Default.OrderProcessing);

        return Problem(new ProblemDetails(
            "https://azureorders.example/problems/order-not-found", "No such order", 404, $"There is no order '{orderId}'.", LocationOf(orderId)));
    }

    /// <summary>Reads at most <see cref="MaxRequestBytes"/> + 1 bytes, so an oversized body is refused without buffering all of it.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxRequestBytes) break;
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Only JSON is taken, and only as UTF-8 (the parser reads nothing else): a text/plain or form body used to be
    /// parsed anyway, which hides client bugs and lets a browser form post cross-site without a CORS preflight.
    /// Absent counts as wrong: a client that sends no Content-Type is not sending what it thinks.
    /// </summary>
    public static ProblemDetails? CheckContentType(string? contentType)
    {
        const string expected = "Send the order as JSON with the header 'Content-Type: application/json' (UTF-8).";
        if (string.IsNullOrWhiteSpace(contentType))
            return ProblemDetails.UnsupportedMediaType($"The request has no Content-Type. {expected}");
        if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            return ProblemDetails.UnsupportedMediaType($"Content-Type '{Shorten(contentType)}' is not accepted. {expected}");
        if (media.CharSet is { Length: > 0 } charset && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
            return ProblemDetails.UnsupportedMediaType($"charset '{Shorten(charset)}' is not accepted; JSON is read as UTF-8. {expected}");
        return null;
    }

    // The header is echoed into the answer: keep what an arbitrary client sent short.
    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "...";

    public static ApiResponse Problem(ProblemDetails problem) => ApiResponse.Problem(problem);

    /// <summary>
    /// A failure a later retry of the same request can get past (Cosmos 429/503/408/..., an SDK timeout, concurrent
    /// placements that did not settle): TransientFaults decides, as for messages. A request the caller itself
    /// cancelled is not one: nobody waits for its answer, and the host handles an aborted request as it always did.
    /// </summary>
    private static bool IsTemporary(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && TransientFaults.IsTransient(e);

    /// <summary>
    /// 503 problem details with Retry-After: Cosmos DB's own retry-after hint rounded up to whole seconds, else 1 s.
    /// The exception goes on the request's span, since answering it means the host no longer logs it as unhandled.
    /// </summary>
    private static ApiResponse Unavailable(Exception e, Func<int, string> detail, string? instance = null)
    {
        Telemetry.RecordException(Activity.Current, e);
        var seconds = TransientFaults.RetryAfterOf(e) is { } after ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        return Problem(ProblemDetails.Unavailable(detail(seconds), instance)) with { RetryAfterSeconds = seconds };
    }

    public static string LocationOf(string orderId) => $"/api/orders/{Uri.EscapeDataString(orderId)}";

    private static ApiResponse Json<T>(int status, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string? location = null) =>
        ApiResponse.Json(status, body, typeInfo, location);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OrderViewDocument))]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(OrderProcessing))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

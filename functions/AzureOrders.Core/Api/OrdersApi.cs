using System.Text.Json;
using System.Text.Json.Serialization;
using AzureOrders.Hosting;
using AzureOrders.Orders;

namespace AzureOrders.Api;

/// <summary>An HTTP answer without ASP.NET types, so the Function App and the local runner answer byte for byte alike.</summary>
public sealed record ApiResponse(int StatusCode, byte[] Body, string ContentType, string? Location = null);

/// <summary>What POST /api/orders answers: enough to poll the order.</summary>
public sealed record OrderAccepted(string OrderId, Guid CorrelationId, string Status, string Location);

/// <summary>What GET /api/orders/{id} answers before any event of the order reached the read model.</summary>
public sealed record OrderProcessing(string OrderId, string Status, string Detail);

/// <summary>
/// The orders HTTP API behind every host. Placing is repeat-safe: the same orderId or Idempotency-Key
/// returns the same order (201 the first time, 200 afterwards, both with its Location).
/// </summary>
public sealed class OrdersApi(CoreServices core)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Larger bodies are refused before parsing: an order is a few hundred bytes.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    public async Task<ApiResponse> PlaceAsync(ReadOnlyMemory<byte> body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (body.Length > MaxRequestBytes)
            return Problem(ProblemDetails.Malformed($"the body has {body.Length} bytes; an order may have at most {MaxRequestBytes}"));
        if (idempotencyKey is { Length: > 200 })
            return Problem(ProblemDetails.Malformed($"the {IdempotencyKeyHeader} header is longer than 200 characters"));

        return await core.PlaceOrder.PlaceAsync(body, idempotencyKey, cancellationToken) switch
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
        var view = await core.ReadOrderViewAsync(orderId, cancellationToken);
        if (view is not null) return Json(200, view, ApiJsonContext.Default.OrderViewDocument);

        var head = await core.Streams.ReadHeadAsync(orderId, cancellationToken);
        if (head is not null)
            return Json(200, new OrderProcessing(orderId, "PROCESSING", "The order was accepted; its events are on their way to the read model."), ApiJsonContext.Default.OrderProcessing);

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

    public static ApiResponse Problem(ProblemDetails problem) =>
        new(problem.Status, JsonSerializer.SerializeToUtf8Bytes(problem, ApiJsonContext.Default.ProblemDetails), ProblemDetails.ContentType);

    public static string LocationOf(string orderId) => $"/api/orders/{Uri.EscapeDataString(orderId)}";

    private static ApiResponse Json<T>(int status, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string? location = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(body, typeInfo), "application/json; charset=utf-8", location);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(OrderViewDocument))]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(OrderProcessing))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

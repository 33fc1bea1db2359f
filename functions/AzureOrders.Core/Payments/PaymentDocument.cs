using System.Text.Json.Serialization;

namespace AzureOrders.Payments;

public static class PaymentStatus
{
    public const string Captured = "CAPTURED";
    public const string Failed = "FAILED";
    /// <summary>Voided before any capture (also the tombstone that makes a late capture fail).</summary>
    public const string Voided = "VOIDED";
    public const string Refunded = "REFUNDED";
}

/// <summary>The one payment of an order (payments container, partition = orderId; orderId is the idempotency key).</summary>
public sealed record PaymentDocument
{
    public const string DocumentId = "payment";
    public string Id { get; init; } = DocumentId;
    public required string OrderId { get; init; }
    public string Kind { get; init; } = "payment";
    public required string PaymentId { get; init; }
    public required string Status { get; init; }
    public string? CustomerId { get; init; }
    public long AmountInCents { get; init; }
    public string Currency { get; init; } = "USD";
    public string? GatewayReference { get; init; }
    public string? DeclineCode { get; init; }
    public long RefundedInCents { get; init; }
    public string? RefundReference { get; init; }
    public string? Reason { get; init; }
    /// <summary>Refunds the gateway refused so far (each one published as payment.refund-failed); the next refund uses a fresh idempotency key.</summary>
    public int RefundRefusals { get; init; }
    public string? LastRefundDecline { get; init; }
    /// <summary>Event id of the payment.voided a void published: a later void command re-publishes that same fact.</summary>
    public Guid? VoidedEventId { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static string PaymentIdFor(string orderId) => $"pay_{orderId}";
}

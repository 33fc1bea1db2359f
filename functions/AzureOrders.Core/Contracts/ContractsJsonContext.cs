using System.Text.Json.Serialization;

namespace AzureOrders.Contracts;

/// <summary>
/// Source-generated System.Text.Json metadata for every contract: no reflection at runtime, camelCase
/// on the wire, and nulls omitted so optional fields stay optional for the JSON Schemas.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(OrderPlacedV1))]
[JsonSerializable(typeof(OrderPlacedV2))]
[JsonSerializable(typeof(OrderConfirmedV1))]
[JsonSerializable(typeof(OrderCancelledV1))]
[JsonSerializable(typeof(InventoryReserveV1))]
[JsonSerializable(typeof(InventoryReleaseV1))]
[JsonSerializable(typeof(InventoryReservedV1))]
[JsonSerializable(typeof(InventoryReservationFailedV1))]
[JsonSerializable(typeof(InventoryReleasedV1))]
[JsonSerializable(typeof(PaymentCaptureV1))]
[JsonSerializable(typeof(PaymentVoidV1))]
[JsonSerializable(typeof(PaymentRefundV1))]
[JsonSerializable(typeof(PaymentCompletedV1))]
[JsonSerializable(typeof(PaymentFailedV1))]
[JsonSerializable(typeof(PaymentVoidedV1))]
[JsonSerializable(typeof(PaymentRefundedV1))]
[JsonSerializable(typeof(PaymentRefundFailedV1))]
[JsonSerializable(typeof(NotificationSentV1))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;

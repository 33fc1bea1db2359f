using System.Text.Json.Serialization;

namespace AzureOrders.Payments;

/// <summary>Source-generated metadata of the Payments service's Cosmos documents (query pages arrive as arrays).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PaymentDocument))]
public sealed partial class PaymentsJsonContext : JsonSerializerContext;

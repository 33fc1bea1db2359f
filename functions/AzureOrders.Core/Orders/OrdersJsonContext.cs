using System.Text.Json.Serialization;

namespace AzureOrders.Orders;

/// <summary>Source-generated metadata of the Orders service's Cosmos documents (query pages arrive as arrays).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OrderHeadDocument))]
[JsonSerializable(typeof(OrderViewDocument))]
[JsonSerializable(typeof(OrderViewDocument[]))]
public sealed partial class OrdersJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace AzureOrders.Inventory;

/// <summary>Source-generated metadata of the Inventory service's Cosmos documents (query pages arrive as arrays).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StockDocument))]
[JsonSerializable(typeof(HoldDocument))]
[JsonSerializable(typeof(ReservationDocument))]
[JsonSerializable(typeof(StockDocument[]))]
public sealed partial class InventoryJsonContext : JsonSerializerContext;

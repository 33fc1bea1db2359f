using System.Text.Json;
using System.Text.Json.Serialization;
using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Notifications;
using AzureOrders.Orders;
using AzureOrders.Payments;

namespace AzureOrders.Persistence;

/// <summary>
/// Source-generated metadata for everything stored in Cosmos, plus the primitives the SDK hands the
/// serializer (patch values, query parameters). camelCase like the wire contracts.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboxDocument))]
[JsonSerializable(typeof(DedupeDocument))]
[JsonSerializable(typeof(OrderHeadDocument))]
[JsonSerializable(typeof(OrderViewDocument))]
[JsonSerializable(typeof(StockDocument))]
[JsonSerializable(typeof(HoldDocument))]
[JsonSerializable(typeof(ReservationDocument))]
[JsonSerializable(typeof(PaymentDocument))]
[JsonSerializable(typeof(NotificationDocument))]
// The SDK deserializes query pages as arrays of the item type.
[JsonSerializable(typeof(OutboxDocument[]))]
[JsonSerializable(typeof(StockDocument[]))]
[JsonSerializable(typeof(OrderViewDocument[]))]
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTimeOffset))]
public sealed partial class CosmosJsonContext : JsonSerializerContext;

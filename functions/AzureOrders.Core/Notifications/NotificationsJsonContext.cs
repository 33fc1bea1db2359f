using System.Text.Json.Serialization;

namespace AzureOrders.Notifications;

/// <summary>Source-generated metadata of the Notifications service's Cosmos documents (query pages arrive as arrays).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NotificationDocument))]
public sealed partial class NotificationsJsonContext : JsonSerializerContext;

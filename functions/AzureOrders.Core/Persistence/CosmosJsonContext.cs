using System.Text.Json;
using System.Text.Json.Serialization;
using AzureOrders.Contracts;

namespace AzureOrders.Persistence;

/// <summary>
/// Source-generated metadata for the shared persistence documents (outbox, dedupe keys) and the primitives the SDK
/// hands the serializer (patch values, query parameters). camelCase like the wire contracts. Each service brings the
/// metadata of its own documents (<see cref="CosmosDocuments"/>), so this layer knows none of them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboxDocument))]
[JsonSerializable(typeof(DedupeDocument))]
// The SDK deserializes query pages as arrays of the item type.
[JsonSerializable(typeof(OutboxDocument[]))]
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

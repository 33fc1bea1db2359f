using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

/// <summary>
/// System.Text.Json for every Cosmos item, query parameter and patch value, through source-generated
/// metadata only (no reflection, same camelCase as the wire contracts). A type without metadata fails
/// loudly instead of silently falling back to Newtonsoft.
/// </summary>
public sealed class CosmosJsonSerializer : CosmosSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <param name="documents">The services' document metadata, besides the shared persistence documents.</param>
    public CosmosJsonSerializer(IEnumerable<IJsonTypeInfoResolver>? documents = null)
    {
        // A copy of the shared context's options keeps its naming policy and ignore conditions for every resolver.
        _options = new JsonSerializerOptions(CosmosJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine([CosmosJsonContext.Default, .. documents ?? []]),
        };
        _options.MakeReadOnly();
    }

    public override T FromStream<T>(Stream stream)
    {
        using (stream)
        {
            if (typeof(Stream).IsAssignableFrom(typeof(T))) return (T)(object)stream;
            if (stream.CanSeek && stream.Length == 0) return default!;
            return (T)JsonSerializer.Deserialize(stream, TypeInfo(typeof(T)))!;
        }
    }

    public override Stream ToStream<T>(T input)
    {
        var stream = new MemoryStream();
        // The runtime type, not T: the SDK passes patch values and query parameters as object.
        var type = input?.GetType() ?? typeof(T);
        JsonSerializer.Serialize(stream, input, TypeInfo(type));
        stream.Position = 0;
        return stream;
    }

    private JsonTypeInfo TypeInfo(Type type) =>
        _options.GetTypeInfo(type) ?? throw new NotSupportedException($"{type} has no source-generated JSON metadata; register its service's JsonSerializerContext with AddCosmosDocuments.");
}

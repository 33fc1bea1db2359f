using System.Text.Json.Serialization;
using AzureOrders.Contracts;

namespace AzureOrders.Setup;

/// <summary>
/// A catalog entry as stored (inventory container, partition = sku, beside the SKU's stock document): what
/// setup last seeded from infra/catalog.json, so the database says which catalog it was set up with. A
/// separate document from the stock, because stock changes replace the whole stock document.
/// </summary>
public sealed record ProductDocument
{
    public const string DocumentId = "product";
    public const string KindValue = "product";
    public string Id { get; init; } = DocumentId;
    public required string Sku { get; init; }
    public string Kind { get; init; } = KindValue;
    public required string Name { get; init; }
    public required long PriceInCents { get; init; }
    /// <summary>The stock setup gives the SKU when it has none yet (and --reset-stock sets available back to).</summary>
    public required int InitialStock { get; init; }
    [JsonPropertyName("_etag")] public string? ETag { get; init; }

    public static ProductDocument From(Product product) =>
        new() { Sku = product.Sku, Name = product.Name, PriceInCents = product.PriceInCents, InitialStock = product.InitialStock };

    public Product ToProduct() => new(Sku, Name, PriceInCents, InitialStock);
}

/// <summary>A SKU as read back from the database: its product document and its stock (null where missing).</summary>
public sealed record CatalogEntry(string Sku, Product? Product, int? Available, int? OnHold);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProductDocument))]
internal sealed partial class SetupJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace AzureOrders.Contracts;

/// <summary>
/// infra/catalog.json, the one product catalog: Core embeds it (prices are checked against it) and
/// <c>azureorders setup</c> upserts it into Cosmos. A file that is wrong fails loudly when read, naming what
/// is wrong, instead of seeding a half catalog.
/// </summary>
public static class CatalogFile
{
    private const string ResourceName = "AzureOrders.catalog.json";

    private static readonly Lazy<string> EmbeddedJson = new(() =>
    {
        using var stream = typeof(CatalogFile).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The embedded catalog.json is missing.");
        return new StreamReader(stream).ReadToEnd();
    });

    private static readonly Lazy<IReadOnlyList<Product>> Embedded = new(() => Parse(EmbeddedJson.Value, "the embedded infra/catalog.json"));

    /// <summary>The copy of infra/catalog.json compiled into Core (the build embeds the file itself, so they cannot differ).</summary>
    public static IReadOnlyList<Product> Default => Embedded.Value;

    public static string DefaultJson => EmbeddedJson.Value;

    /// <exception cref="InvalidDataException">The file is not a valid catalog (the message says why).</exception>
    public static IReadOnlyList<Product> Load(string path) => Parse(File.ReadAllText(path), path);

    /// <exception cref="InvalidDataException">Not a valid catalog: not JSON, a missing or unknown field, a duplicate SKU, a negative price or stock.</exception>
    public static IReadOnlyList<Product> Parse(string json, string source = "catalog")
    {
        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, CatalogJsonContext.Default.CatalogDocument);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (document is null) throw new InvalidDataException($"{source}: empty");

        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Products.Count; i++)
        {
            var p = document.Products[i];
            if (string.IsNullOrWhiteSpace(p.Sku)) problems.Add($"products[{i}]: sku is empty");
            else if (!seen.Add(p.Sku)) problems.Add($"products[{i}]: sku '{p.Sku}' appears twice");
            if (string.IsNullOrWhiteSpace(p.Name)) problems.Add($"products[{i}]: name is empty");
            if (p.PriceInCents < 0) problems.Add($"products[{i}]: priceInCents is negative ({p.PriceInCents})");
            if (p.InitialStock < 0) problems.Add($"products[{i}]: initialStock is negative ({p.InitialStock})");
        }
        if (document.Products.Count == 0) problems.Add("products is empty");
        if (problems.Count > 0) throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
        return document.Products;
    }
}

internal sealed record CatalogDocument(
    IReadOnlyList<Product> Products,
    [property: JsonPropertyName("$comment")] string? Comment = null);

// Strict on purpose: a misspelt field ("intialStock") would otherwise read as 0 and seed an empty stock.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(CatalogDocument))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;

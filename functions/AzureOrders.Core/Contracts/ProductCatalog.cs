namespace AzureOrders.Contracts;

public sealed record Product(string Sku, string Name, long PriceInCents, int InitialStock);

/// <summary>Which SKUs exist. Orders checks requests against it; local runs seed Inventory stock from it.</summary>
public interface IProductCatalog
{
    bool TryGet(string sku, out Product product);
    IReadOnlyList<Product> All { get; }
}

/// <summary>The catalog of infra/catalog.json (the seed document's WIDGET-001 among others), or the products given. Reference data, shared through Contracts.</summary>
public sealed class SeedProductCatalog(IEnumerable<Product>? products = null) : IProductCatalog
{
    /// <summary>infra/catalog.json as embedded in Core (<see cref="CatalogFile.Default"/>).</summary>
    public static readonly IReadOnlyList<Product> Seed = CatalogFile.Default;

    private readonly Dictionary<string, Product> _bySku = (products ?? Seed).ToDictionary(p => p.Sku, StringComparer.Ordinal);

    public IReadOnlyList<Product> All => [.. _bySku.Values];

    public bool TryGet(string sku, out Product product) => _bySku.TryGetValue(sku, out product!);
}

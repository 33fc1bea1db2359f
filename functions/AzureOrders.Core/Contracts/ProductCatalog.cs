namespace AzureOrders.Contracts;

public sealed record Product(string Sku, string Name, long PriceInCents, int InitialStock);

/// <summary>Which SKUs exist. Orders checks requests against it; local runs seed Inventory stock from it.</summary>
public interface IProductCatalog
{
    bool TryGet(string sku, out Product product);
    IReadOnlyList<Product> All { get; }
}

/// <summary>The local/seed catalog (the seed document's WIDGET-001 among others). Reference data, shared through Contracts.</summary>
public sealed class SeedProductCatalog(IEnumerable<Product>? products = null) : IProductCatalog
{
    public static readonly IReadOnlyList<Product> Seed =
    [
        new("WIDGET-001", "Widget", 1999, 1000),
        new("GADGET-002", "Gadget", 4999, 500),
        new("GIZMO-003", "Gizmo", 999, 2000),
        new("DOOHICKEY-004", "Doohickey", 2500, 250),
        new("SPROCKET-005", "Sprocket", 150, 10000),
    ];

    private readonly Dictionary<string, Product> _bySku = (products ?? Seed).ToDictionary(p => p.Sku, StringComparer.Ordinal);

    public IReadOnlyList<Product> All => [.. _bySku.Values];

    public bool TryGet(string sku, out Product product) => _bySku.TryGetValue(sku, out product!);
}

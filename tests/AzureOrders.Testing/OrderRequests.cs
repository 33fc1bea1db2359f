using System.Text;
using AzureOrders.Contracts;

namespace AzureOrders.Testing;

/// <summary>POST /api/orders bodies in the seed document's shape, priced from the catalog unless a test says otherwise.</summary>
public static class OrderRequests
{
    public static string Json(string? orderId, string customerId, IEnumerable<(string Sku, int Quantity)> lines, IProductCatalog? catalog = null)
    {
        catalog ??= new SeedProductCatalog();
        var items = lines.Select(l => (l.Sku, l.Quantity, Price: catalog.TryGet(l.Sku, out var p) ? p.PriceInCents : 100)).ToList();
        var id = orderId is null ? "" : $"\"orderId\":\"{orderId}\",";
        return $$"""
            {{{id}}"customerId":"{{customerId}}","items":[{{string.Join(",", items.Select(i => $$"""{"sku":"{{i.Sku}}","quantity":{{i.Quantity}},"priceInCents":{{i.Price}}}"""))}}],"totalInCents":{{items.Sum(i => i.Quantity * i.Price)}}}
            """;
    }

    public static byte[] Utf8(string? orderId, string customerId, IEnumerable<(string Sku, int Quantity)> lines, IProductCatalog? catalog = null) =>
        Encoding.UTF8.GetBytes(Json(orderId, customerId, lines, catalog));

    /// <summary>The seed document's example order (WIDGET-001 x 2 at 1999, total 3998) under the given id.</summary>
    public static string SeedExample(string orderId, string customerId = "cust_456") => Json(orderId, customerId, [("WIDGET-001", 2)]);
}

using AzureOrders.Contracts;

namespace AzureOrders.Messaging;

/// <summary>
/// Rules a JSON Schema cannot express, checked for every consumer right after the schema: a message that
/// breaks them is dead-lettered as InvariantViolated. Returns null when the payload is consistent.
/// </summary>
public static class ContractInvariants
{
    public static string? Check(object payload) => payload switch
    {
        OrderPlacedV1 o => Lines(o.Items.Select(i => (i.Sku, i.Quantity, i.PriceInCents)), o.TotalInCents, null),
        OrderPlacedV2 o => o.Items.Any(i => i.UnitPrice.Currency != o.Total.Currency)
            ? $"line currencies differ from the total's {o.Total.Currency}"
            : Lines(o.Items.Select(i => (i.Sku, i.Quantity, i.UnitPrice.AmountInCents)), o.Total.AmountInCents, null),
        InventoryReserveV1 r => DistinctSkus(r.Items.Select(i => i.Sku)),
        InventoryReservedV1 r => DistinctSkus(r.Items.Select(i => i.Sku)),
        _ => null,
    };

    private static string? Lines(IEnumerable<(string Sku, int Quantity, long Price)> lines, long total, string? _)
    {
        var list = lines.ToList();
        if (DistinctSkus(list.Select(l => l.Sku)) is { } duplicate) return duplicate;
        var sum = list.Sum(l => checked(l.Quantity * l.Price));
        return sum == total ? null : $"total {total} differs from the sum of the lines {sum}";
    }

    private static string? DistinctSkus(IEnumerable<string> skus)
    {
        var duplicate = skus.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1)?.Key;
        return duplicate is null ? null : $"SKU {duplicate} appears on more than one line";
    }
}

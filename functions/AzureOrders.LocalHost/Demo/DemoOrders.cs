using System.Text.Json.Nodes;

namespace AzureOrders.LocalHost.Demo;

/// <summary>The kind of trouble a demo order is built to meet (the simulator reacts to customer ids and SKUs).</summary>
public enum DemoScenario { Happy, StockOut, Declined, TransientFaults, SlowPayment }

public sealed record DemoOrder(string OrderId, string CustomerId, DemoScenario Scenario, IReadOnlyList<(string Sku, int Quantity, long PriceInCents)> Lines)
{
    public long TotalInCents => Lines.Sum(l => l.Quantity * l.PriceInCents);

    public string ToJson() => new JsonObject
    {
        ["orderId"] = OrderId,
        ["customerId"] = CustomerId,
        ["items"] = new JsonArray([.. Lines.Select(l => (JsonNode)new JsonObject { ["sku"] = l.Sku, ["quantity"] = l.Quantity, ["priceInCents"] = l.PriceInCents })]),
        ["totalInCents"] = TotalInCents,
    }.ToJsonString();
}

/// <summary>
/// A realistic, reproducible mix (same seed, same orders): mostly good orders, some for a SKU that runs out,
/// declined cards, a gateway that fails transiently before succeeding, and slow payments.
/// </summary>
public static class DemoOrders
{
    // Prices match the seeded catalog; DOOHICKEY-004 has 250 in stock, so orders of 40 run it dry quickly.
    private static readonly (string Sku, long Price)[] Everyday = [("WIDGET-001", 1999), ("GADGET-002", 4999), ("GIZMO-003", 999), ("SPROCKET-005", 150)];
    private const string ScarceSku = "DOOHICKEY-004";
    private const long ScarcePrice = 2500;

    public static IReadOnlyList<DemoOrder> Create(int count, int seed, string runId)
    {
        var random = new Random(seed);
        var orders = new List<DemoOrder>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var scenario = roll switch
            {
                < 0.08 => DemoScenario.StockOut,
                < 0.16 => DemoScenario.Declined,
                < 0.24 => DemoScenario.TransientFaults,
                < 0.30 => DemoScenario.SlowPayment,
                _ => DemoScenario.Happy,
            };
            var customer = scenario switch
            {
                DemoScenario.Declined => $"cust_decline_{i}",
                DemoScenario.TransientFaults => $"cust_flaky_{i}",
                DemoScenario.SlowPayment => $"cust_slow_{i}",
                _ => $"cust_{random.Next(1, 200)}",
            };
            var lines = scenario == DemoScenario.StockOut
                ? [(ScarceSku, 40, ScarcePrice)]
                : Everyday.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Select(p => (p.Sku, random.Next(1, 3), p.Price)).ToList();
            orders.Add(new DemoOrder($"demo_{runId}_{i:D5}", customer, scenario, lines));
        }
        return orders;
    }
}

using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Orders;
using AzureOrders.Payments;

namespace AzureOrders.LocalHost.Demo;

public sealed record InvariantResult(string Invariant, bool Holds, string Detail);

/// <summary>The invariants of DESIGN, checked against what the stores and the gateway hold after a run.</summary>
public static class InvariantChecks
{
    public static async Task<IReadOnlyList<InvariantResult>> CheckAsync(
        StockLedger stock,
        IPaymentGateway paymentGateway,
        IReadOnlyList<DemoOrder> orders,
        IReadOnlyDictionary<string, OrderViewDocument> finals,
        IReadOnlyDictionary<string, (int Available, int OnHold)> stockBefore,
        long capturedBefore,
        long activeMessagesLeft,
        long deadLettersWithoutReason,
        CancellationToken cancellationToken)
    {
        var results = new List<InvariantResult>();

        var stuck = orders.Where(o => !finals.ContainsKey(o.OrderId)).Select(o => o.OrderId).ToList();
        results.Add(new("Every accepted order ends CONFIRMED or CANCELLED", stuck.Count == 0,
            stuck.Count == 0 ? $"{orders.Count} of {orders.Count} final" : $"{stuck.Count} not final, e.g. {string.Join(", ", stuck.Take(5))}"));

        var confirmed = orders.Where(o => finals.TryGetValue(o.OrderId, out var v) && v.Status == OrderStatus.Confirmed).ToList();
        var stockProblems = new List<string>();
        foreach (var (sku, before) in stockBefore)
        {
            var after = await stock.ReadAsync(sku, cancellationToken);
            if (after is null) { stockProblems.Add($"{sku}: stock document missing"); continue; }
            var sold = confirmed.SelectMany(o => o.Lines).Where(l => l.Sku == sku).Sum(l => l.Quantity);
            if (after.Available < 0 || after.OnHold < 0) stockProblems.Add($"{sku}: negative stock ({after.Available} available, {after.OnHold} held)");
            if (after.Available != before.Available - sold) stockProblems.Add($"{sku}: available {after.Available}, expected {before.Available - sold} (sold {sold})");
            if (after.OnHold != before.OnHold + sold) stockProblems.Add($"{sku}: held {after.OnHold}, expected {before.OnHold + sold}");
        }
        results.Add(new("No oversell; stock never negative; releases restore exactly what was reserved", stockProblems.Count == 0,
            stockProblems.Count == 0 ? $"{stockBefore.Count} SKUs reconcile with {confirmed.Count} confirmed orders" : string.Join("; ", stockProblems.Take(5))));

        if (paymentGateway is SimulatedPaymentGateway gateway)
        {
            var captured = gateway.Captured.Values.Sum() - capturedBefore;
            var expected = confirmed.Sum(o => o.TotalInCents);
            results.Add(new("No order charged twice; no cancelled order keeps a capture", captured == expected,
                $"money held {captured} cents; confirmed orders total {expected} cents"));
        }

        var declinedConfirmed = confirmed.Where(o => o.Scenario == DemoScenario.Declined).Select(o => o.OrderId).ToList();
        results.Add(new("A declined card never confirms an order", declinedConfirmed.Count == 0,
            declinedConfirmed.Count == 0 ? "none" : string.Join(", ", declinedConfirmed.Take(5))));

        results.Add(new("Every published message is completed or dead-lettered with a reason", activeMessagesLeft == 0 && deadLettersWithoutReason == 0,
            $"{activeMessagesLeft} messages still active, {deadLettersWithoutReason} dead-letters without a reason"));
        return results;
    }

    public static string FinalEventOf(OrderViewDocument view) =>
        view.Status == OrderStatus.Confirmed ? MessageTypes.OrderConfirmedV1 : MessageTypes.OrderCancelledV1;
}

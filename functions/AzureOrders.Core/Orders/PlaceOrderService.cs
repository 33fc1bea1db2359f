using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureOrders.Api;
using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Orders;

public sealed record PlaceOrderOptions
{
    /// <summary>The order.placed version producers emit (v1 while v1-only consumers remain).</summary>
    public string EmitVersion { get; set; } = MessageTypes.OrderPlacedV1;
    public string Currency { get; set; } = OrderPlacedUpcaster.DefaultCurrency;
}

public abstract record PlaceOrderResult
{
    private PlaceOrderResult() { }

    /// <param name="Created">False when a repeated request (same orderId or Idempotency-Key) found the order already placed.</param>
    public sealed record Accepted(string OrderId, Guid CorrelationId, bool Created, string Status) : PlaceOrderResult;

    public sealed record Rejected(ProblemDetails Problem) : PlaceOrderResult;
}

/// <summary>
/// POST /api/orders behind any host: validates the seed-shaped body, appends order.placed to a new order
/// stream, publishes it. A client orderId or Idempotency-Key makes a repeat return the same order; a request with
/// neither is refused (428), since its retry could not be told from a new order.
/// </summary>
public sealed class PlaceOrderService(
    OrderStream stream,
    IProductCatalog catalog,
    OutboxPublisher dispatcher,
    TimeProvider time,
    PlaceOrderOptions? options = null)
{
    private readonly PlaceOrderOptions _options = options ?? new PlaceOrderOptions();

    public async Task<PlaceOrderResult> PlaceAsync(ReadOnlyMemory<byte> body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        // The JSON reader checks UTF-8 inside strings only when a string is read (later, and as an
        // InvalidOperationException, a 500), so the bytes are checked up front, as the message pipeline does.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            return Reject(ProblemDetails.Malformed("the body is not valid UTF-8 (JSON text must be UTF-8)"));

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body.Span) as JsonObject
                ?? throw new JsonException("the body must be a JSON object");
            // Escapes can still spell what no string holds (a lone surrogate, "\ud800"): read every string now.
            if (UnreadableString(request, "") is { } at)
                return Reject(ProblemDetails.Malformed($"the string at '{at}' is not valid Unicode (an unpaired surrogate escape)"));
        }
        catch (JsonException e)
        {
            return Reject(ProblemDetails.Malformed(e.Message));
        }
        catch (InvalidOperationException)
        {
            // What System.Text.Json throws for a property name it cannot decode (the walk reads names lazily).
            return Reject(ProblemDetails.Malformed("a property name in the body is not valid Unicode (an unpaired surrogate escape)"));
        }

        // Without an orderId or a key, a retry after a lost answer (timeout, 503 after the commit) would place a
        // second order: such a request is refused before anything is stored, telling the client how to make it safe.
        if (request["orderId"] is null && string.IsNullOrWhiteSpace(idempotencyKey))
            return Reject(ProblemDetails.IdempotencyRequired(OrdersApi.IdempotencyKeyHeader));

        // A client orderId of the wrong type stays as it is, so the schema reports it instead of us replacing it.
        if (request["orderId"] is null) request["orderId"] = OrderIdForKey(request, idempotencyKey!);
        var orderId = request["orderId"] is JsonValue idValue && idValue.TryGetValue<string>(out var id) ? id : "";

        using var document = JsonDocument.Parse(request.ToJsonString());
        var check = SchemaValidator.Instance.CheckPayload(MessageTypes.OrderPlacedV1, document.RootElement);
        if (!check.IsValid) return Reject(ProblemDetails.Validation(ByLocation(check.Errors)));

        var order = document.RootElement.Deserialize(ContractsJsonContext.Default.OrderPlacedV1)!;
        if (CheckPrices(order) is { } priceProblem) return Reject(priceProblem);
        if (ContractInvariants.Check(order) is { } violation) return Reject(ProblemDetails.Invariant(violation));

        var requestHash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(order, ContractsJsonContext.Default.OrderPlacedV1)));
        var correlationId = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"correlation|{orderId}");

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var head = await stream.ReadHeadAsync(orderId, cancellationToken);
            if (head is not null)
            {
                if (head.RequestHash != requestHash)
                    return Reject(ProblemDetails.Conflict($"order {orderId} exists with different content", orderId));
                await HealAsync(orderId, cancellationToken);
                return new PlaceOrderResult.Accepted(orderId, head.CorrelationId, Created: false, head.Status);
            }

            var placed = CreatePlacedEvent(order, correlationId);
            var newHead = new OrderHeadDocument
            {
                StreamId = orderId,
                OrderId = orderId,
                CustomerId = order.CustomerId,
                Status = OrderStatus.Placed,
                Version = 1,
                TotalInCents = order.TotalInCents,
                Currency = _options.Currency,
                CorrelationId = correlationId,
                RequestHash = requestHash,
            };
            try
            {
                var outbox = await stream.AppendAsync(null, newHead, [placed], cancellationToken);
                Diagnostics.OrderMetrics.OrdersPlaced.Add(1);
                Diagnostics.Telemetry.TagOrder(System.Diagnostics.Activity.Current, correlationId, orderId);
                await TryDispatchAsync(outbox, cancellationToken);
                return new PlaceOrderResult.Accepted(orderId, correlationId, Created: true, OrderStatus.Placed);
            }
            catch (StreamConcurrencyException)
            {
                // The same request raced us (a client retry); the next pass sees its order and answers with it.
            }
        }
        throw new TransientFailureException($"order {orderId}: could not settle concurrent placements");
    }

    /// <summary>
    /// Prices come from the catalog, never from the client: the client states what it believes it pays, and a
    /// difference (a stale price list, a tampered body) is refused rather than silently repriced, so nobody is
    /// charged an amount they did not see. Returns null when every line and the total match the catalog.
    /// </summary>
    private ProblemDetails? CheckPrices(OrderPlacedV1 order)
    {
        var unknown = order.Items.Select((item, i) => (item, i)).Where(x => !catalog.TryGet(x.item.Sku, out _)).ToList();
        if (unknown.Count > 0)
            return ProblemDetails.UnknownSku(
                $"unknown SKU(s): {string.Join(", ", unknown.Select(u => u.item.Sku))}; the catalog does not sell them",
                unknown.ToDictionary(u => $"/items/{u.i}/sku", u => new[] { $"'{u.item.Sku}' is not in the catalog" }));

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var wrong = new List<string>();
        long catalogTotal = 0;
        for (var i = 0; i < order.Items.Count; i++)
        {
            var line = order.Items[i];
            catalog.TryGet(line.Sku, out var product);
            catalogTotal = checked(catalogTotal + line.Quantity * product.PriceInCents);
            if (line.PriceInCents == product.PriceInCents) continue;
            wrong.Add($"{line.Sku} costs {product.PriceInCents} cents in the catalog, not {line.PriceInCents}");
            errors[$"/items/{i}/priceInCents"] = [$"the catalog price of {line.Sku} is {product.PriceInCents}"];
        }
        if (wrong.Count > 0)
            return ProblemDetails.PriceMismatch($"{string.Join("; ", wrong)}. Send the catalog's prices.", errors);
        if (order.TotalInCents != catalogTotal)
            return ProblemDetails.PriceMismatch(
                $"totalInCents is {order.TotalInCents}, but the catalog prices of the lines sum to {catalogTotal}.",
                new Dictionary<string, string[]> { ["/totalInCents"] = [$"the catalog total is {catalogTotal}"] });
        return null;
    }

    private Envelope CreatePlacedEvent(OrderPlacedV1 order, Guid correlationId)
    {
        // One order.placed per order, whoever writes it: the id comes from the orderId.
        var eventId = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"order.placed|{order.OrderId}");
        var now = time.GetUtcNow();
        return _options.EmitVersion == MessageTypes.OrderPlacedV2
            ? Envelopes.Create(OrderPlacedUpcaster.Upcast(order, _options.Currency), eventId, correlationId, null, Services.Orders, now)
            : Envelopes.Create(order, eventId, correlationId, null, Services.Orders, now);
    }

    private static string OrderIdForKey(JsonObject request, string idempotencyKey)
    {
        var customer = request["customerId"] is JsonValue c && c.TryGetValue<string>(out var id) ? id : "";
        // Keys are scoped per customer: two customers' "1" are different orders.
        return $"ord_{DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"idempotency-key|{customer}|{idempotencyKey}"):N}";
    }

    /// <summary>A repeated request also finishes a publish that a crash interrupted (the relay would, later).</summary>
    private async Task HealAsync(string orderId, CancellationToken cancellationToken)
    {
        var first = await stream.ReadEventAsync(orderId, 1, cancellationToken);
        if (first is { Dispatched: false })
            await TryDispatchAsync([new OutboxEntry(first.Envelope, new OutboxAddress(ContainerNames.Orders, orderId, first.Id))], cancellationToken);
    }

    private async Task TryDispatchAsync(IReadOnlyList<OutboxEntry> outbox, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.DispatchAsync(outbox, cancellationToken);
        }
        catch (Exception e) when (TransientFaults.IsTransient(e))
        {
            // The order is stored with its event undispatched: the outbox relay publishes it. The client
            // still gets its order; failing the request would invite a retry that changes nothing.
        }
    }

    /// <summary>The JSON pointer of the first property name or string value that cannot be read as a string, else null.</summary>
    private static string? UnreadableString(JsonNode? node, string pointer)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    var at = $"{pointer}/{name.Replace("~", "~0").Replace("/", "~1")}";
                    if (!IsWellFormed(name)) return at;
                    if (UnreadableString(value, at) is { } inner) return inner;
                }
                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    if (UnreadableString(a[i], $"{pointer}/{i}") is { } inner) return inner;
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                try
                {
                    return IsWellFormed(v.GetValue<string>()) ? null : pointer;
                }
                catch (InvalidOperationException)
                {
                    return pointer;
                }
            default:
                return null;
        }
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
        }
        return true;
    }

    private static Dictionary<string, string[]> ByLocation(IReadOnlyList<string> errors) =>
        errors.Select(e => e.Split(": ", 2))
              .GroupBy(p => p[0], p => p.Length > 1 ? p[1] : p[0])
              .ToDictionary(g => g.Key, g => g.ToArray());

    private static PlaceOrderResult.Rejected Reject(ProblemDetails problem) => new(problem);
}

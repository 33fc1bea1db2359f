using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Persistence;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Setup;

/// <summary>
/// Per SKU: the product document (kept equal to the catalog) and the stock document (created once). Stream APIs
/// and this assembly's own JSON metadata, so it works with any CosmosClient, whatever serializer it was given.
/// </summary>
internal static class CatalogSeeding
{
    // Each retry follows a lost race (another setup, or an order taking stock between our read and write).
    private const int MaxAttempts = 20;

    public static async Task<SetupItem> UpsertProductAsync(Container inventory, Product product, CancellationToken cancellationToken)
    {
        var pk = new PartitionKey(product.Sku);
        var wanted = ProductDocument.From(product);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (found, current) = await ReadAsync(inventory, ProductDocument.DocumentId, pk, SetupJsonContext.Default.ProductDocument, cancellationToken);
            if (!found)
            {
                if (await WriteAsync(s => inventory.CreateItemStreamAsync(s, pk, cancellationToken: cancellationToken), wanted, SetupJsonContext.Default.ProductDocument) == HttpStatusCode.Conflict)
                    continue;
                return new(SetupItemKind.Product, product.Sku, SetupOutcome.Created, Describe(product));
            }
            var stored = current!.ToProduct();
            if (stored == product) return new(SetupItemKind.Product, product.Sku, SetupOutcome.Unchanged, Describe(product));
            var status = await WriteAsync(s => inventory.ReplaceItemStreamAsync(s, ProductDocument.DocumentId, pk,
                new ItemRequestOptions { IfMatchEtag = current.ETag }, cancellationToken), wanted, SetupJsonContext.Default.ProductDocument);
            if (status == HttpStatusCode.PreconditionFailed) continue;
            return new(SetupItemKind.Product, product.Sku, SetupOutcome.Updated, Differences(stored, product));
        }
        throw new InvalidOperationException($"product {product.Sku}: the document kept changing while setup wrote it ({MaxAttempts} attempts)");
    }

    public static async Task<SetupItem> EnsureStockAsync(Container inventory, Product product, bool reset, CancellationToken cancellationToken)
    {
        var pk = new PartitionKey(product.Sku);
        var stockType = InventoryJsonContext.Default.StockDocument;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (found, stock) = await ReadAsync(inventory, StockDocument.DocumentId, pk, stockType, cancellationToken);
            if (!found)
            {
                var fresh = new StockDocument { Sku = product.Sku, Available = product.InitialStock, OnHold = 0 };
                if (await WriteAsync(s => inventory.CreateItemStreamAsync(s, pk, cancellationToken: cancellationToken), fresh, stockType) == HttpStatusCode.Conflict)
                    continue;
                return new(SetupItemKind.Stock, product.Sku, SetupOutcome.Created, $"{N(product.InitialStock)} available");
            }
            var (available, onHold) = (stock!.Available, stock.OnHold);
            if (!reset)
                return new(SetupItemKind.Stock, product.Sku, SetupOutcome.Unchanged,
                    available == product.InitialStock && onHold == 0
                        ? $"{N(available)} available"
                        : $"kept: {N(available)} available, {N(onHold)} taken by orders (catalog: {N(product.InitialStock)}; --reset-stock sets available back to it)");
            if (available == product.InitialStock)
                return new(SetupItemKind.Stock, product.Sku, SetupOutcome.Unchanged, $"{N(available)} available already, {N(onHold)} taken by orders");

            // Holds stay as they are: an order in flight that is later cancelled gives back exactly what it took.
            var status = await WriteAsync(s => inventory.ReplaceItemStreamAsync(s, StockDocument.DocumentId, pk,
                new ItemRequestOptions { IfMatchEtag = stock.ETag }, cancellationToken), stock with { Available = product.InitialStock, ETag = null }, stockType);
            if (status == HttpStatusCode.PreconditionFailed) continue;
            return new(SetupItemKind.Stock, product.Sku, SetupOutcome.Reset,
                $"available {N(available)} -> {N(product.InitialStock)}; {N(onHold)} still taken by orders");
        }
        throw new InvalidOperationException($"stock of {product.Sku}: it kept changing while setup wrote it ({MaxAttempts} attempts)");
    }

    public static async Task<IReadOnlyList<string>> ProductSkusAsync(Container inventory, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(inventory, ProductDocument.KindValue, cancellationToken)).Select(d => d.GetProperty("sku").GetString()!)];

    public static async Task<IReadOnlyList<CatalogEntry>> ReadAsync(Container inventory, CancellationToken cancellationToken)
    {
        var products = (await QueryAsync(inventory, ProductDocument.KindValue, cancellationToken))
            .Select(d => d.Deserialize(SetupJsonContext.Default.ProductDocument)!)
            .ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var stock = (await QueryAsync(inventory, "stock", cancellationToken))
            .Select(d => d.Deserialize(InventoryJsonContext.Default.StockDocument)!)
            .ToDictionary(s => s.Sku, StringComparer.Ordinal);
        return
        [
            .. products.Keys.Union(stock.Keys).Order(StringComparer.Ordinal).Select(sku => new CatalogEntry(sku,
                products.GetValueOrDefault(sku)?.ToProduct(), stock.GetValueOrDefault(sku)?.Available, stock.GetValueOrDefault(sku)?.OnHold)),
        ];
    }

    private static async Task<List<JsonElement>> QueryAsync(Container inventory, string kind, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", kind);
        var documents = new List<JsonElement>();
        using var iterator = inventory.GetItemQueryStreamIterator(query);
        while (iterator.HasMoreResults)
        {
            using var page = await iterator.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            documents.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray().Select(d => d.Clone()));
        }
        return documents;
    }

    private static async Task<(bool Found, T? Document)> ReadAsync<T>(Container container, string id, PartitionKey pk, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await container.ReadItemStreamAsync(id, pk, cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return (false, default);
        response.EnsureSuccessStatusCode();
        return (true, await JsonSerializer.DeserializeAsync(response.Content, type, cancellationToken));
    }

    /// <returns>The status: success, or 409/412 (a lost race, which the caller answers by reading again).</returns>
    private static async Task<HttpStatusCode> WriteAsync<T>(Func<Stream, Task<ResponseMessage>> send, T document, JsonTypeInfo<T> type)
    {
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(document, type));
        using var response = await send(body);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed) return response.StatusCode;
        response.EnsureSuccessStatusCode();
        return response.StatusCode;
    }

    private static string Describe(Product p) => $"{p.Name}, {N(p.PriceInCents)} cents";

    private static string Differences(Product before, Product after) => string.Join(", ", new[]
    {
        before.Name != after.Name ? $"name '{before.Name}' -> '{after.Name}'" : null,
        before.PriceInCents != after.PriceInCents ? $"price {N(before.PriceInCents)} -> {N(after.PriceInCents)} cents" : null,
        before.InitialStock != after.InitialStock ? $"initial stock {N(before.InitialStock)} -> {N(after.InitialStock)} (existing stock is not changed by this)" : null,
    }.Where(d => d is not null));

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

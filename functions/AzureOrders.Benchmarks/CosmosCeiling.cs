using System.Diagnostics;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Benchmarks;

/// <summary>
/// What the embedded Cosmos server (Node.js, one thread) and the SDK in gateway mode sustain from this process, with
/// nothing else running: point reads and one-operation transactional batches, the two requests the order path makes
/// most. Together with the transport ceiling it bounds orders/s: an order needs ~35 of these requests.
/// </summary>
public static class CosmosCeiling
{
    public sealed record Figures(double ReadsPerSecond, double BatchesPerSecond);

    public static async Task<Figures> MeasureAsync(Database database, int requests, int concurrency, CancellationToken cancellationToken)
    {
        // A container of its own, so that nothing the system queries (outbox scans, views) sees these documents.
        Container container = await database.CreateContainerIfNotExistsAsync("benchmark", "/pk", cancellationToken: cancellationToken);
        var keys = Enumerable.Range(0, concurrency).Select(i => $"bench-{i}").ToArray();
        foreach (var key in keys)
        {
            using var created = await container.UpsertItemStreamAsync(Document(key, 0), new PartitionKey(key), cancellationToken: cancellationToken);
            created.EnsureSuccessStatusCode();
        }

        // Warm-up: connections, the SDK's caches, JIT.
        await RunAsync(Math.Min(requests, 500), concurrency, (i, ct) => ReadAsync(container, keys[i % keys.Length], ct), cancellationToken);
        var reads = await RunAsync(requests, concurrency, (i, ct) => ReadAsync(container, keys[i % keys.Length], ct), cancellationToken);
        var batches = await RunAsync(requests, concurrency, async (i, ct) =>
        {
            var key = keys[i % keys.Length];
            using var response = await container.CreateTransactionalBatch(new PartitionKey(key))
                .UpsertItemStream(Document(key, i))
                .ExecuteAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"batch answered {(int)response.StatusCode}");
        }, cancellationToken);
        return new Figures(reads, batches);
    }

    // Stream APIs: the client's serializer knows only the contracts' source-generated types.
    private static MemoryStream Document(string key, int n) =>
        new(System.Text.Encoding.UTF8.GetBytes($$"""{"id":"{{key}}","pk":"{{key}}","kind":"bench","n":{{n}}}"""));

    private static async Task ReadAsync(Container container, string key, CancellationToken cancellationToken)
    {
        using var response = await container.ReadItemStreamAsync(key, new PartitionKey(key), cancellationToken: cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"read answered {(int)response.StatusCode}");
    }

    private static async Task<double> RunAsync(int requests, int concurrency, Func<int, CancellationToken, Task> request, CancellationToken cancellationToken)
    {
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests) await request(i, cancellationToken);
        }));
        return requests / stopwatch.Elapsed.TotalSeconds;
    }
}

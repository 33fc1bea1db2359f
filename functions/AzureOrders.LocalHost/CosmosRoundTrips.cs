using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.LocalHost;

/// <summary>
/// Counts requests that leave the Cosmos client (a RequestHandler sits in the SDK's pipeline), their charge, and
/// what kind they are per container ("orders batch", "inventory read"): the benchmark prints where round trips go.
/// </summary>
public sealed class CosmosRoundTrips : RequestHandler
{
    private readonly ConcurrentDictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private long _requests;
    private long _chargeHundredths;

    public long Requests => Interlocked.Read(ref _requests);

    public double RequestCharge => Interlocked.Read(ref _chargeHundredths) / 100.0;

    /// <summary>Requests so far per "container operation".</summary>
    public IReadOnlyDictionary<string, long> ByKind => _byKind.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        _byKind.AddOrUpdate(KindOf(request), 1, (_, n) => n + 1);
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Add(ref _chargeHundredths, (long)(response.Headers.RequestCharge * 100));
        return response;
    }

    private static string KindOf(RequestMessage request)
    {
        // dbs/{db}/colls/{container}/docs[/{id}]
        var segments = request.RequestUri?.OriginalString.Trim('/').Split('/') ?? [];
        var container = segments.Length >= 4 && segments[2] == "colls" ? segments[3] : "(account)";
        var isDocument = segments.Length >= 6;
        var operation = request.Method.Method switch
        {
            "GET" => isDocument ? "read" : "read-feed",
            "PUT" => "replace",
            "PATCH" => "patch",
            "DELETE" => "delete",
            "POST" when request.Headers["x-ms-cosmos-is-batch-request"] is "True" or "true" => "batch",
            "POST" when request.Headers["x-ms-documentdb-isquery"] is "True" or "true" => "query",
            "POST" when request.Headers["x-ms-documentdb-is-upsert"] is "True" or "true" => "upsert",
            "POST" => "create",
            var other => other.ToLowerInvariant(),
        };
        return $"{container} {operation}";
    }
}

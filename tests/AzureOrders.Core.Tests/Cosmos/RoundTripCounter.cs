using System.Collections.Concurrent;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>
/// A RequestHandler in the CosmosClient pipeline: every logical request the SDK sends (above its retry
/// handler) passes here once, so the count is the number of round trips our code asked for.
/// </summary>
public sealed class RoundTripCounter : RequestHandler
{
    private readonly ConcurrentQueue<string> _requests = new();

    public bool Enabled { get; set; } = true;

    public IReadOnlyList<string> Requests => [.. _requests];

    public int Count => _requests.Count;

    public void Reset() => _requests.Clear();

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Enabled)
        {
            var isBatch = request.Headers.TryGetValue("x-ms-cosmos-is-batch-request", out var b) && b == "True";
            var isQuery = request.Headers.TryGetValue("x-ms-documentdb-isquery", out var q) && q == "True";
            var kind = isBatch ? "BATCH" : isQuery ? "QUERY" : request.Method.Method;
            _requests.Enqueue($"{kind} {request.RequestUri?.OriginalString} -> {(int)response.StatusCode}");
        }
        return response;
    }
}

using Microsoft.Azure.Cosmos;

namespace AzureOrders.Diagnostics;

/// <summary>
/// Sits in the Cosmos client's request pipeline, so it sees every request that leaves the client (SDK retries
/// included): round trips and request charge per operation and container. Spans come from the SDK itself
/// (ActivitySource Azure.Cosmos.Operation), which knows the logical operation better than a handler does.
/// </summary>
public sealed class CosmosTelemetryHandler : RequestHandler
{
    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // The SDK keeps the operation type internal; the HTTP method (GET read, POST create/query/batch, PUT replace, ...) is public.
        var operation = new KeyValuePair<string, object?>("http.request.method", request.Method.Method);
        var container = new KeyValuePair<string, object?>("db.collection.name", ContainerOf(request.RequestUri?.OriginalString));
        OrderMetrics.CosmosRoundTrips.Add(1, operation, container,
            new KeyValuePair<string, object?>("db.response.status_code", ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        OrderMetrics.CosmosRequestCharge.Add(response.Headers.RequestCharge, operation, container);
        return response;
    }

    /// <summary>dbs/{db}/colls/{container}/docs/{id} -> container; "" for account and database requests.</summary>
    private static string ContainerOf(string? resourceUri)
    {
        if (resourceUri is null) return "";
        var parts = resourceUri.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var i = Array.IndexOf(parts, "colls");
        return i >= 0 && i + 1 < parts.Length ? parts[i + 1] : "";
    }
}

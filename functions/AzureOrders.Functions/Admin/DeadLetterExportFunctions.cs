using AzureOrders.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Admin;

/// <summary>GET .../export: the matching messages as application/x-ndjson (one JSON object per line, metadata and body).</summary>
public sealed class DeadLetterExportFunctions(DeadLetterApi api)
{
    [Function("DeadLetters_Export_Queue")]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = DeadLetterOps.Queue + "/export")] HttpRequest request,
        string queue,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ExportAsync(queue, DeadLetterOps.QueryOf(request), cancellationToken));

    [Function("DeadLetters_Export_Subscription")]
    public async Task<IActionResult> Subscription(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = DeadLetterOps.Subscription + "/export")] HttpRequest request,
        string topic,
        string subscription,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ExportAsync(DeadLetterOps.EntityOf(topic, subscription), DeadLetterOps.QueryOf(request), cancellationToken));
}

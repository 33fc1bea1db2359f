using AzureOrders.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Admin;

/// <summary>POST .../purge?confirm=true (or dryRun=true): deletes the matching messages; without either it answers 400.</summary>
public sealed class DeadLetterPurgeFunctions(DeadLetterApi api)
{
    [Function("DeadLetters_Purge_Queue")]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = DeadLetterOps.Queue + "/purge")] HttpRequest request,
        string queue,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.PurgeAsync(queue, DeadLetterOps.QueryOf(request), cancellationToken));

    [Function("DeadLetters_Purge_Subscription")]
    public async Task<IActionResult> Subscription(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = DeadLetterOps.Subscription + "/purge")] HttpRequest request,
        string topic,
        string subscription,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.PurgeAsync(DeadLetterOps.EntityOf(topic, subscription), DeadLetterOps.QueryOf(request), cancellationToken));
}

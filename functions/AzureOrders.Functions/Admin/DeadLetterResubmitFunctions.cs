using AzureOrders.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Admin;

/// <summary>POST .../resubmit?dryRun=true|false: back to the original consumer only, eventId kept; one audit line per message in the answer and the log.</summary>
public sealed class DeadLetterResubmitFunctions(DeadLetterApi api)
{
    [Function("DeadLetters_Resubmit_Queue")]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = DeadLetterOps.Queue + "/resubmit")] HttpRequest request,
        string queue,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ResubmitAsync(queue, DeadLetterOps.QueryOf(request), cancellationToken));

    [Function("DeadLetters_Resubmit_Subscription")]
    public async Task<IActionResult> Subscription(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = DeadLetterOps.Subscription + "/resubmit")] HttpRequest request,
        string topic,
        string subscription,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ResubmitAsync(DeadLetterOps.EntityOf(topic, subscription), DeadLetterOps.QueryOf(request), cancellationToken));
}

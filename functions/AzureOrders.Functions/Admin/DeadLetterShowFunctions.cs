using AzureOrders.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Admin;

/// <summary>GET ops/deadletters/{queue} and .../{topic}/subscriptions/{subscription}: the matching messages with metadata and body (filters: reason, eventType, messageId, since, until, max).</summary>
public sealed class DeadLetterShowFunctions(DeadLetterApi api)
{
    [Function("DeadLetters_Show_Queue")]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = DeadLetterOps.Queue + "")] HttpRequest request,
        string queue,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ShowAsync(queue, DeadLetterOps.QueryOf(request), cancellationToken));

    [Function("DeadLetters_Show_Subscription")]
    public async Task<IActionResult> Subscription(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = DeadLetterOps.Subscription + "")] HttpRequest request,
        string topic,
        string subscription,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ShowAsync(DeadLetterOps.EntityOf(topic, subscription), DeadLetterOps.QueryOf(request), cancellationToken));
}

using AzureOrders.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Admin;

/// <summary>GET ops/deadletters: dead-letter counts per subscription and queue of the topology, by reason.</summary>
public sealed class DeadLetterListFunction(DeadLetterApi api)
{
    [Function("DeadLetters_List")]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = DeadLetterOps.Prefix)] HttpRequest request,
        CancellationToken cancellationToken) =>
        DeadLetterOps.Result(await api.ListAsync(DeadLetterOps.QueryOf(request), cancellationToken));
}

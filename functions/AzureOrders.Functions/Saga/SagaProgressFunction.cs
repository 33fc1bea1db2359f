using AzureOrders.Orders.Saga;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace AzureOrders.Functions.Saga;

/// <summary>Operators' view of an order's saga: step, last reply, deadline of the current wait, outcome. Admin key, like the other ops/ endpoints.</summary>
public static class SagaProgressFunction
{
    [Function("SagaProgress")]
    public static async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/sagas/{orderId}")] HttpRequest request,
        string orderId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        await SagaProgress.ReadAsync(client, orderId, cancellationToken) is { } progress
            ? new OkObjectResult(progress)
            : new NotFoundResult();
}

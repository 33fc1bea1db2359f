using AzureOrders.Api;
using AzureOrders.Orders;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Http;

/// <summary>
/// The orders API. Function-level authorization: in Azure a caller needs a function key (put API Management or
/// App Service authentication in front for end users); the local runner and `func start` do not enforce keys.
/// </summary>
public sealed class OrdersHttpFunctions(OrdersApi api)
{
    [Function("PlaceOrder")]
    public async Task<IActionResult> Place(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "orders")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var body = await OrdersApi.ReadBodyAsync(request.Body, cancellationToken);
        var idempotencyKey = request.Headers[OrdersApi.IdempotencyKeyHeader].FirstOrDefault();
        return new ApiResult(await api.PlaceAsync(body, request.ContentType, idempotencyKey, cancellationToken));
    }

    [Function("GetOrder")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "orders/{orderId}")] HttpRequest request,
        string orderId,
        CancellationToken cancellationToken) =>
        new ApiResult(await api.GetAsync(orderId, cancellationToken));
}

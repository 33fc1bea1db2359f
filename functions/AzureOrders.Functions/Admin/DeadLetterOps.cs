using Azure.Messaging.ServiceBus;
using AzureOrders.Api;
using AzureOrders.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AzureOrders.Functions.Admin;

/// <summary>
/// The dead-letter explorer's operations endpoints. Routes are "ops/deadletters/...", not "admin/...": the
/// Functions host reserves the "admin/" prefix for its own management API (a function route there is refused),
/// so the explorer sits next to it under its own prefix. The entity is written the way Service Bus paths are:
/// ops/deadletters/{queue} or ops/deadletters/{topic}/subscriptions/{subscription}, hence two routes per operation.
/// </summary>
public static class DeadLetterOps
{
    public const string Prefix = "ops/deadletters";
    public const string Queue = Prefix + "/{queue}";
    public const string Subscription = Prefix + "/{topic}/subscriptions/{subscription}";

    public static string EntityOf(string topic, string subscription) => $"{topic}/{subscription}";

    public static IReadOnlyDictionary<string, string?> QueryOf(HttpRequest request) =>
        request.Query.ToDictionary(p => p.Key, p => (string?)p.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    public static IActionResult Result(ApiResponse response) => new Http.ApiResult(response);
}

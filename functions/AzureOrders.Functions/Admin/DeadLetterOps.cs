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

    /// <summary>Program.cs calls this (one line): the explorer over the app's own ServiceBusClient, audit lines to the log.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(sp => new DeadLetterExplorer(sp.GetRequiredService<ServiceBusClient>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("AzureOrders.DeadLetters.Audit");
            return new DeadLetterApi(sp.GetRequiredService<DeadLetterExplorer>(), sp.GetRequiredService<TimeProvider>(),
                line => logger.LogInformation("dead-letter audit: {AuditLine}", line.ToString()));
        });
    }

    public static string EntityOf(string topic, string subscription) => $"{topic}/{subscription}";

    public static IReadOnlyDictionary<string, string?> QueryOf(HttpRequest request) =>
        request.Query.ToDictionary(p => p.Key, p => (string?)p.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    public static IActionResult Result(ApiResponse response) => new Http.ApiResult(response);
}

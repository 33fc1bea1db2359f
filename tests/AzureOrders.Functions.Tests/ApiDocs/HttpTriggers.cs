using System.Reflection;
using AzureOrders.Api;
using Microsoft.Azure.Functions.Worker;

namespace AzureOrders.Functions.Tests.ApiDocs;

/// <summary>The Function App's HTTP routes, read from its [Function] methods' [HttpTrigger] parameters: what the host will serve.</summary>
public static class HttpTriggers
{
    public static IReadOnlyList<HttpRoute> Routes { get; } = Read(typeof(Functions.Http.OrdersHttpFunctions).Assembly);

    public static IReadOnlyList<HttpRoute> Read(Assembly assembly) =>
    [
        .. from type in assembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
           let function = method.GetCustomAttribute<FunctionAttribute>()
           where function is not null
           from parameter in method.GetParameters()
           let trigger = parameter.GetCustomAttribute<HttpTriggerAttribute>()
           where trigger is not null
           // No methods on the attribute means every method; no route means the function name (the host's defaults).
           from verb in trigger.Methods is { Length: > 0 } methods ? methods : ["get", "post", "put", "delete", "patch"]
           orderby function.Name, verb
           select new HttpRoute(function.Name, verb.ToUpperInvariant(), trigger.Route ?? function.Name, Authorization(trigger.AuthLevel)),
    ];

    private static HttpAuthorization Authorization(AuthorizationLevel level) => level switch
    {
        AuthorizationLevel.Anonymous => HttpAuthorization.Anonymous,
        AuthorizationLevel.Function or AuthorizationLevel.User => HttpAuthorization.Function,
        _ => HttpAuthorization.Admin,
    };
}

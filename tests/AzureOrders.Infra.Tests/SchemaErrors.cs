using Json.Schema;

namespace AzureOrders.Infra.Tests;

internal static class SchemaErrors
{
    public static string Describe(EvaluationResults result) =>
        string.Join('\n', (result.Details ?? [])
            .Append(result)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"  {d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Take(40));
}

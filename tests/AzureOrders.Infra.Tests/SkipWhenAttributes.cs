namespace AzureOrders.Infra.Tests;

/// <summary>A fact that is skipped, with the reason, where the bicep CLI cannot run (not linux-x64, or not restored).</summary>
public sealed class BicepFactAttribute : FactAttribute
{
    public BicepFactAttribute()
    {
        if (InfraPaths.BicepUnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that is skipped, naming the missing file, where ../shared/schemas is absent (a user's clone).</summary>
public sealed class SharedSchemaFactAttribute : FactAttribute
{
    public SharedSchemaFactAttribute(string relativePath)
    {
        var path = Path.Combine(InfraPaths.SharedSchemas, relativePath);
        if (!File.Exists(path))
        {
            Skip = $"The reference schema {path} is absent (it lives in ../shared/schemas next to the repository, not in the repository itself).";
        }
    }
}

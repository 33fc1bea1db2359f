namespace AzureOrders.Infra.Tests;

/// <summary>
/// `azd deploy` restores and builds the Function App with the repository's warnings-as-errors. A vulnerability
/// advisory published after a release must not turn that restore into a failure: NuGet audit's warnings stay warnings.
/// </summary>
public sealed class NuGetAuditTests
{
    private static readonly string[] AuditWarnings = ["NU1901", "NU1902", "NU1903", "NU1904"];

    [Fact]
    public async Task The_function_app_treats_warnings_as_errors_except_nuget_audit_warnings_and_nu1603()
    {
        var properties = await ProjectProperties.OfFunctionAppAsync();

        Assert.Equal("true", properties["TreatWarningsAsErrors"], ignoreCase: true);
        var notAsErrors = Codes(properties["WarningsNotAsErrors"]);
        foreach (var code in AuditWarnings.Append("NU1603"))
        {
            Assert.Contains(code, notAsErrors);
        }

        // Raising one of them explicitly would win over WarningsNotAsErrors.
        Assert.Empty(Codes(properties["WarningsAsErrors"]).Intersect(AuditWarnings));
        // Audit stays on (the warnings are worth seeing); only their severity changes.
        Assert.NotEqual("false", properties["NuGetAudit"], StringComparer.OrdinalIgnoreCase);
    }

    private static HashSet<string> Codes(string list) =>
        list.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
}

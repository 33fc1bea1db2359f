namespace AzureOrders.Infra.Tests;

/// <summary>principalId is optional: without it only the app identity gets roles, and nothing else changes.</summary>
public sealed class SnapshotWithoutUserTests(SnapshotWithoutUserFixture snapshot) : IClassFixture<SnapshotWithoutUserFixture>
{
    [BicepFact]
    public void Without_a_deploying_user_only_the_app_identity_gets_roles()
    {
        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Concat(snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"))
            .ToList();

        Assert.Equal(7, assignments.Count);
        foreach (var assignment in assignments)
        {
            var principal = (string?)assignment["properties"]!["principalId"];
            Assert.Matches(@"^\[reference\('[^']+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^']+', '[^']+'\)\.principalId\]$", principal);
        }

        Assert.Single(snapshot.OfType("Microsoft.Web/sites"));
    }
}

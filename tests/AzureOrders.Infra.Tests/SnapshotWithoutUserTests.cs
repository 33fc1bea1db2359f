namespace AzureOrders.Infra.Tests;

/// <summary>principalId is optional: without it only the app identity gets roles, and nothing else changes.</summary>
public sealed class SnapshotWithoutUserTests(SnapshotWithoutUserFixture snapshot) : IClassFixture<SnapshotWithoutUserFixture>
{
    [BicepFact]
    public void Without_a_deploying_user_only_the_app_identity_gets_roles() => AssertOnlyTheAppIdentityHasRoles(snapshot);

    internal static void AssertOnlyTheAppIdentityHasRoles(SnapshotFixture snapshot)
    {
        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Concat(snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"))
            .ToList();

        // Storage 3, Service Bus Data Sender + Data Owner per consumed entity, Monitoring Metrics Publisher, Cosmos data contributor.
        var topology = Topology.Load();
        var consumedEntities = Topology.Topics(topology).Count(t => Topology.Subscriptions(t).Any()) + Topology.Queues(topology).Count();
        Assert.Equal(6 + consumedEntities, assignments.Count);
        foreach (var assignment in assignments)
        {
            var principal = (string?)assignment["properties"]!["principalId"];
            Assert.Matches(@"^\[reference\('[^']+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^']+', '[^']+'\)\.principalId\]$", principal);
        }

        Assert.Single(snapshot.OfType("Microsoft.Web/sites"));
    }
}

/// <summary>deployingUserDataRoles = false (shared and production environments): azd knows the user, who still gets no data roles.</summary>
public sealed class SnapshotWithoutUserDataRolesTests(SnapshotWithoutUserDataRolesFixture snapshot) : IClassFixture<SnapshotWithoutUserDataRolesFixture>
{
    [BicepFact]
    public void With_deploying_user_data_roles_off_the_user_gets_no_role_although_azd_passes_its_id() =>
        SnapshotWithoutUserTests.AssertOnlyTheAppIdentityHasRoles(snapshot);

    [BicepFact]
    public void With_an_alert_email_the_action_group_mails_it_with_the_common_alert_schema()
    {
        var receivers = snapshot.Single("Microsoft.Insights/actionGroups")["properties"]!["emailReceivers"]!.AsArray();
        var receiver = Assert.Single(receivers);
        Assert.Equal(SnapshotWithoutUserDataRolesFixture.AlertEmail, (string?)receiver!["emailAddress"]);
        Assert.True((bool)receiver["useCommonAlertSchema"]!);
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzureOrders.Infra.Tests;

/// <summary>Security and shape policies asserted on the `bicep snapshot` of infra/main.bicep.</summary>
public sealed partial class SnapshotPolicyTests(SnapshotFixture snapshot) : IClassFixture<SnapshotFixture>
{
    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";
    private const string ServiceBusNamespaces = "Microsoft.ServiceBus/namespaces";
    private const string CosmosAccounts = "Microsoft.DocumentDB/databaseAccounts";
    private const string Components = "Microsoft.Insights/components";
    private const string Workspaces = "Microsoft.OperationalInsights/workspaces";
    private const string Sites = "Microsoft.Web/sites";
    private const string SiteConfig = "Microsoft.Web/sites/config";
    private const string RoleAssignments = "Microsoft.Authorization/roleAssignments";
    private const string CosmosRoleAssignments = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments";

    /// <summary>Every type the template deploys, each covered by the policies below. A new type must be added here, with its policy.</summary>
    private static readonly string[] KnownTypes =
    [
        "Microsoft.Resources/resourceGroups",
        Workspaces,
        Components,
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        StorageAccounts,
        "Microsoft.Storage/storageAccounts/blobServices",
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        ServiceBusNamespaces,
        "Microsoft.ServiceBus/namespaces/topics",
        "Microsoft.ServiceBus/namespaces/topics/subscriptions",
        "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules",
        "Microsoft.ServiceBus/namespaces/queues",
        CosmosAccounts,
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
        CosmosRoleAssignments,
        RoleAssignments,
        "Microsoft.Web/serverfarms",
        Sites,
        SiteConfig,
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
        // Monitoring: MonitoringTests.
        "Microsoft.Insights/diagnosticSettings",
        "Microsoft.Insights/actionGroups",
        "Microsoft.Insights/metricAlerts",
        "Microsoft.Insights/scheduledQueryRules",
        "Microsoft.Insights/workbooks",
    ];

    /// <summary>
    /// Built-in Azure roles the template may grant (least privilege: data-plane roles only), the scope each may have
    /// (a pattern of the scope's resource path below the resource group), and who may hold it.
    /// </summary>
    private static readonly Dictionary<string, (string Name, string ScopePattern, string[] Principals)> AllowedRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = ("Storage Blob Data Owner", $"{StorageAccounts}/[^/]+", ["app", "user"]),
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = ("Storage Queue Data Contributor", $"{StorageAccounts}/[^/]+", ["app", "user"]),
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = ("Storage Table Data Contributor", $"{StorageAccounts}/[^/]+", ["app", "user"]),
        ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"] = ("Azure Service Bus Data Sender", $"{ServiceBusNamespaces}/[^/]+", ["app", "user"]),
        ["4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"] = ("Azure Service Bus Data Receiver", $"{ServiceBusNamespaces}/[^/]+", ["user"]),
        // Manage rights for target-based scaling, on each consumed entity only (docs/infrastructure.md says why).
        [ServiceBusDataOwner] = ("Azure Service Bus Data Owner", $"{ServiceBusNamespaces}/[^/]+/(topics|queues)/[^/]+", ["app"]),
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = ("Monitoring Metrics Publisher", $"{Components}/[^/]+", ["app", "user"]),
    };

    private const string ServiceBusDataOwner = "090c5cfd-751d-490a-894a-3ce6f1109419";

    private const string CosmosDataContributor = "00000000-0000-0000-0000-000000000002";

    [BicepFact]
    public void The_snapshot_deploys_only_resource_types_that_the_policies_cover()
    {
        snapshot.EnsureSucceeded();
        var unknown = snapshot.Resources.Select(r => (string)r!["type"]!).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(t => !KnownTypes.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();

        Assert.True(unknown.Count == 0, "Resource types without a policy in SnapshotPolicyTests: " + string.Join(", ", unknown));
    }

    [BicepFact]
    public void Every_data_service_has_local_and_key_authentication_disabled()
    {
        foreach (var storage in NonEmpty(StorageAccounts))
        {
            var p = storage["properties"]!;
            Assert.False(Bool(p, "allowSharedKeyAccess") ?? true, $"{Name(storage)}: allowSharedKeyAccess must be false.");
            Assert.True(Bool(p, "defaultToOAuthAuthentication"), $"{Name(storage)}: defaultToOAuthAuthentication must be true.");
            Assert.False(Bool(p, "allowBlobPublicAccess") ?? true, $"{Name(storage)}: allowBlobPublicAccess must be false.");
        }

        foreach (var ns in NonEmpty(ServiceBusNamespaces))
        {
            Assert.True(Bool(ns["properties"]!, "disableLocalAuth"), $"{Name(ns)}: disableLocalAuth must be true (no SAS keys).");
        }

        foreach (var cosmos in NonEmpty(CosmosAccounts))
        {
            Assert.True(Bool(cosmos["properties"]!, "disableLocalAuth"), $"{Name(cosmos)}: disableLocalAuth must be true (no account keys).");
            Assert.True(Bool(cosmos["properties"]!, "disableKeyBasedMetadataWriteAccess"), $"{Name(cosmos)}: disableKeyBasedMetadataWriteAccess must be true.");
        }

        foreach (var component in NonEmpty(Components))
        {
            Assert.True(Bool(component["properties"]!, "DisableLocalAuth"), $"{Name(component)}: DisableLocalAuth must be true (Entra-only ingestion).");
        }

        foreach (var workspace in NonEmpty(Workspaces))
        {
            Assert.True(Bool(workspace["properties"]!["features"], "disableLocalAuth"), $"{Name(workspace)}: features.disableLocalAuth must be true.");
        }

        // Basic (user name + password) publishing is off for FTP and SCM on every site.
        var policies = snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        foreach (var site in NonEmpty(Sites))
        {
            foreach (var kind in new[] { "ftp", "scm" })
            {
                var policy = policies.SingleOrDefault(p => (string)p["name"]! == $"{Name(site)}/{kind}");
                Assert.True(policy is not null, $"{Name(site)}: no basicPublishingCredentialsPolicies/{kind}.");
                Assert.False(Bool(policy!["properties"]!, "allow") ?? true, $"{Name(site)}: {kind} basic publishing credentials must be disallowed.");
            }
        }
    }

    [BicepFact]
    public void No_app_setting_or_output_holds_a_key_a_secret_or_a_connection_string_with_a_key()
    {
        // Nothing in the whole deployment may read keys (listKeys & co.): the only way a key reaches a setting.
        var everything = snapshot.Resources.ToJsonString() + snapshot.Outputs.ToJsonString();
        Assert.DoesNotMatch(KeyReadingFunctions(), everything);

        foreach (var settings in NonEmpty(SiteConfig).Where(c => Name(c).EndsWith("/appsettings", StringComparison.Ordinal)))
        {
            foreach (var (name, value) in settings["properties"]!.AsObject())
            {
                var text = value?.ToJsonString() ?? string.Empty;
                Assert.DoesNotMatch(SecretValue(), text);
                if (name == "APPLICATIONINSIGHTS_CONNECTION_STRING")
                {
                    // Allowed: it names the ingestion endpoint; its instrumentation key is an identifier, and local
                    // auth is off, so ingestion needs the Entra token of APPLICATIONINSIGHTS_AUTHENTICATION_STRING.
                    Assert.Matches(@"^\[reference\('[^']+/providers/Microsoft\.Insights/components/[^']+', '[^']+'\)\.ConnectionString\]$", (string)value!);
                    continue;
                }

                Assert.False(SecretSettingName().IsMatch(name), $"App setting {name} looks like a key, secret or connection string.");
            }

            var all = settings["properties"]!.AsObject();
            Assert.StartsWith("[format('Authorization=AAD;ClientId={0}'", (string?)all["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            // The key-based forms of the app's connections must not exist at all.
            foreach (var keyBased in new[] { "AzureWebJobsStorage", "ServiceBus", "CosmosDb", "AzureWebJobsDashboard", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING" })
            {
                Assert.False(all.ContainsKey(keyBased), $"App setting {keyBased} is the key-based (connection string) form.");
            }
        }

        foreach (var (name, value) in snapshot.Outputs)
        {
            Assert.False(SecretSettingName().IsMatch(name), $"Output {name} looks like a key, secret or connection string.");
            Assert.DoesNotMatch(SecretValue(), value?.ToJsonString() ?? string.Empty);
        }
    }

    [BicepFact]
    public void Tls_1_2_is_the_minimum_and_https_is_required_everywhere()
    {
        foreach (var storage in NonEmpty(StorageAccounts))
        {
            Assert.Equal("TLS1_2", (string?)storage["properties"]!["minimumTlsVersion"]);
            Assert.True(Bool(storage["properties"]!, "supportsHttpsTrafficOnly"), $"{Name(storage)}: supportsHttpsTrafficOnly must be true.");
        }

        foreach (var ns in NonEmpty(ServiceBusNamespaces))
        {
            Assert.Equal("1.2", (string?)ns["properties"]!["minimumTlsVersion"]);
        }

        foreach (var cosmos in NonEmpty(CosmosAccounts))
        {
            Assert.Equal("Tls12", (string?)cosmos["properties"]!["minimalTlsVersion"]);
        }

        foreach (var site in NonEmpty(Sites))
        {
            var p = site["properties"]!;
            Assert.True(Bool(p, "httpsOnly"), $"{Name(site)}: httpsOnly must be true.");
            Assert.Equal("1.2", (string?)p["siteConfig"]?["minTlsVersion"]);
            Assert.Equal("1.2", (string?)p["siteConfig"]?["scmMinTlsVersion"]);
            Assert.Equal("Disabled", (string?)p["siteConfig"]?["ftpsState"]);
        }
    }

    [BicepFact]
    public void Every_role_assignment_is_for_the_app_identity_or_the_deploying_user_with_an_allowed_role_on_one_resource()
    {
        var appIdentity = AppIdentityId();
        var assignments = NonEmpty(RoleAssignments);
        var granted = new List<(string Principal, string Role)>();

        foreach (var assignment in assignments)
        {
            var p = assignment["properties"]!;
            var roleId = ((string)p["roleDefinitionId"]!).Split('/')[^1];
            Assert.True(AllowedRoles.TryGetValue(roleId, out var role), $"Role {roleId} is not on the allow-list ({p.ToJsonString()}).");
            Assert.StartsWith($"/subscriptions/{SnapshotFixture.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/", (string)p["roleDefinitionId"]!);

            var principal = Principal(p, appIdentity);
            Assert.Contains(principal, role.Principals);
            var principalType = (string?)p["principalType"];
            Assert.Equal(principal == "app" ? "ServicePrincipal" : "User", principalType);

            // Scoped to one resource of the role's service, never a resource group or the subscription.
            var scope = Scope(assignment);
            Assert.Matches($"^/subscriptions/{SnapshotFixture.SubscriptionId}/resourceGroups/[^/]+/providers/{role.ScopePattern}$", scope);
            granted.Add((principal, role.Name));
        }

        // Each principal gets every role on the allow-list meant for it, and only those.
        foreach (var principal in new[] { "app", "user" })
        {
            Assert.Equal(
                AllowedRoles.Values.Where(r => r.Principals.Contains(principal)).Select(r => r.Name).Order(),
                granted.Where(g => g.Principal == principal).Select(g => g.Role).Distinct().Order());
        }

        var cosmos = snapshot.Single(CosmosAccounts);
        var cosmosId = (string)cosmos["id"]!;
        var cosmosAssignments = NonEmpty(CosmosRoleAssignments);
        foreach (var assignment in cosmosAssignments)
        {
            var p = assignment["properties"]!;
            Assert.Equal($"{cosmosId}/sqlRoleDefinitions/{CosmosDataContributor}", (string?)p["roleDefinitionId"]);
            Assert.Equal(cosmosId, (string?)p["scope"]);
            Principal(p, appIdentity);
        }

        Assert.Equal(["app", "user"], cosmosAssignments.Select(a => Principal(a["properties"]!, appIdentity)).Order());
    }

    [BicepFact]
    public void The_app_identity_is_service_bus_data_owner_of_exactly_the_entities_its_triggers_consume()
    {
        var topology = Topology.Load();
        var ns = Name(snapshot.Single(ServiceBusNamespaces));
        var expected = Topology.Topics(topology).Where(t => Topology.Subscriptions(t).Any()).Select(t => $"{ServiceBusNamespaces}/{ns}/topics/{t["name"]}")
            .Concat(Topology.Queues(topology).Select(q => $"{ServiceBusNamespaces}/{ns}/queues/{q["name"]}"));

        var owners = NonEmpty(RoleAssignments).Where(a => ((string)a["properties"]!["roleDefinitionId"]!).EndsWith(ServiceBusDataOwner, StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.All(owners, a => Assert.Equal("app", Principal(a["properties"]!, AppIdentityId())));
        Assert.Equal(expected.Order(), owners.Select(a => Regex.Match(Scope(a), "/providers/(?<path>.+)$").Groups["path"].Value).Order());
    }

    [BicepFact]
    public async Task The_function_app_runs_dotnet_isolated_at_the_version_of_the_project_target_framework()
    {
        var properties = await ProjectProperties.OfFunctionAppAsync();
        var targetFramework = properties["TargetFramework"];
        var match = Regex.Match(targetFramework, @"^net(?<version>\d+\.\d+)$");
        Assert.True(match.Success, $"The Function App's TargetFramework '{targetFramework}' is not netX.Y.");

        var site = snapshot.Single(Sites);
        var config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal(match.Groups["version"].Value, (string?)config["runtime"]!["version"]);
        Assert.Equal("functionapp,linux", (string?)site["kind"]);

        var plan = snapshot.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.Equal((string?)plan["id"], (string?)site["properties"]!["serverFarmId"]);

        Assert.InRange((int)config["scaleAndConcurrency"]!["maximumInstanceCount"]!, 40, 1000);
        Assert.Contains((int)config["scaleAndConcurrency"]!["instanceMemoryMB"]!, new[] { 512, 2048, 4096 });

        // The deployment package container exists and is read with the app's identity.
        var storage = config["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal(AppIdentityId(), (string?)storage["authentication"]!["userAssignedIdentityResourceId"]);
        var container = SnapshotFixture.ShortName(snapshot.Single("Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.EndsWith($"'{container}')]", (string?)storage["value"]);
    }

    [BicepFact]
    public void The_function_app_connects_to_storage_service_bus_and_cosmos_with_its_identity()
    {
        var settings = AppSettings();
        var clientId = $"[reference('{AppIdentityId()}', '2023-01-31').clientId]";

        Assert.Equal(Name(snapshot.Single(StorageAccounts)), (string?)settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal(Name(snapshot.Single(ServiceBusNamespaces)) + ".servicebus.windows.net", (string?)settings["ServiceBus__fullyQualifiedNamespace"]);
        Assert.Equal((string?)snapshot.Outputs["SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"], (string?)settings["ServiceBus__fullyQualifiedNamespace"]);
        Assert.Matches(@"^\[reference\('[^']+/providers/Microsoft\.DocumentDB/databaseAccounts/[^']+', '[^']+'\)\.documentEndpoint\]$", (string?)settings["CosmosDb__accountEndpoint"]);
        Assert.Equal(CosmosModel()["databaseName"]!.GetValue<string>(), (string?)settings["CosmosDb__databaseName"]);

        // The host's connections name the user-assigned identity; the code's own clients take it from AZURE_CLIENT_ID.
        foreach (var connection in new[] { "AzureWebJobsStorage", "ServiceBus" })
        {
            Assert.Equal("managedidentity", (string?)settings[$"{connection}__credential"]);
            Assert.Equal(clientId, (string?)settings[$"{connection}__clientId"]);
        }

        Assert.Equal(clientId, (string?)settings["AZURE_CLIENT_ID"]);

        // Flex Consumption takes the runtime from functionAppConfig and rejects these settings.
        Assert.False(settings.ContainsKey("FUNCTIONS_WORKER_RUNTIME"));
        Assert.False(settings.ContainsKey("FUNCTIONS_EXTENSION_VERSION"));
        Assert.False(settings.ContainsKey("WEBSITE_RUN_FROM_PACKAGE"));
    }

    [BicepFact]
    public void Cosmos_is_serverless_with_the_containers_partition_keys_ttl_and_indexing_of_cosmos_containers_json()
    {
        var account = snapshot.Single(CosmosAccounts);
        Assert.Contains(account["properties"]!["capabilities"]!.AsArray(), c => (string?)c!["name"] == "EnableServerless");

        var model = CosmosModel();
        var database = snapshot.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        Assert.Equal((string?)model["databaseName"], SnapshotFixture.ShortName(database));

        var containers = snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers").ToDictionary(SnapshotFixture.ShortName);
        var expected = model["containers"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(expected.Select(c => (string)c["name"]!).Order(), containers.Keys.Order());

        foreach (var container in expected)
        {
            var resource = containers[(string)container["name"]!]["properties"]!["resource"]!;
            Assert.Equal([(string)container["partitionKey"]!], resource["partitionKey"]!["paths"]!.AsArray().Select(p => (string)p!));
            Assert.Equal(2, (int)resource["partitionKey"]!["version"]!);
            Assert.Equal((int)container["defaultTtl"]!, (int)resource["defaultTtl"]!);
            var indexing = resource["indexingPolicy"]!;
            Assert.Equal("consistent", (string?)indexing["indexingMode"]);
            Assert.Equal(container["includedPaths"]!.AsArray().Select(p => (string)p!), indexing["includedPaths"]!.AsArray().Select(p => (string)p!["path"]!));
            Assert.Equal(container["excludedPaths"]!.AsArray().Select(p => (string)p!), indexing["excludedPaths"]!.AsArray().Select(p => (string)p!["path"]!));
            Assert.Null(resource["throughput"]);
        }

        // No container of its own for dedupe keys: each service writes them in its own container, in the effect's batch.
        Assert.DoesNotContain("dedupe", containers.Keys);
    }

    [BicepFact]
    public void Core_creates_and_uses_exactly_the_containers_and_indexing_policies_that_bicep_deploys()
    {
        // One definition: Core embeds infra/cosmos-containers.json; a hand-written copy in code could drift from Bicep.
        Assert.Equal(File.ReadAllText(Path.Combine(InfraPaths.Infra, "cosmos-containers.json")), AzureOrders.Persistence.Containers.DefinitionJson);

        var deployed = snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers").ToDictionary(SnapshotFixture.ShortName);
        Assert.Equal(deployed.Keys.Order(), AzureOrders.Persistence.Containers.All.Select(c => c.Name).Order());
        Assert.Equal(SnapshotFixture.ShortName(snapshot.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases")), AzureOrders.Persistence.Containers.DatabaseName);
        foreach (var spec in AzureOrders.Persistence.Containers.All)
        {
            var code = spec.ToProperties();
            var bicep = deployed[spec.Name]["properties"]!["resource"]!;
            Assert.Equal((string)bicep["partitionKey"]!["paths"]![0]!, code.PartitionKeyPath);
            Assert.Equal((int)bicep["defaultTtl"]!, code.DefaultTimeToLive);
            Assert.Equal(bicep["indexingPolicy"]!["includedPaths"]!.AsArray().Select(p => (string)p!["path"]!), code.IndexingPolicy.IncludedPaths.Select(p => p.Path));
            Assert.Equal(bicep["indexingPolicy"]!["excludedPaths"]!.AsArray().Select(p => (string)p!["path"]!), code.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
            Assert.Equal(((string)bicep["indexingPolicy"]!["indexingMode"]!).ToLowerInvariant(), code.IndexingPolicy.IndexingMode.ToString().ToLowerInvariant());
        }
    }

    [Fact]
    public void Dedupe_keys_outlive_every_message_that_could_still_be_delivered()
    {
        var topology = Topology.Load();
        var longestMessageTtl = Topology.Topics(topology).SelectMany(t => Topology.Subscriptions(t).Append(t))
            .Concat(Topology.Queues(topology))
            .Select(e => (string?)e["defaultMessageTimeToLive"]).OfType<string>().Select(Topology.Duration).Max();

        Assert.True(AzureOrders.Persistence.PartitionWrite.DedupeTtl > longestMessageTtl,
            $"Dedupe keys expire after {AzureOrders.Persistence.PartitionWrite.DedupeTtl}, before a message that lives {longestMessageTtl} could stop being redelivered.");
    }

    [BicepFact]
    public void Resources_carry_the_azd_tags_and_azd_gets_its_outputs_without_keys()
    {
        var group = snapshot.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal($"rg-{SnapshotFixture.EnvironmentName}", Name(group));
        foreach (var tagged in snapshot.Resources.Select(r => r!.AsObject()).Where(r => r["location"] is not null))
        {
            Assert.True((string?)tagged["tags"]?["azd-env-name"] == SnapshotFixture.EnvironmentName, $"{Name(tagged)} lacks the azd-env-name tag.");
            // Action groups and metric alerts are global resources; everything else lives in the environment's region.
            var global = (string?)tagged["type"] is "Microsoft.Insights/actionGroups" or "Microsoft.Insights/metricAlerts";
            Assert.Equal(global ? "global" : SnapshotFixture.Location, (string?)tagged["location"]);
        }

        var serviceNames = AzureYaml.ServiceNames();
        var site = snapshot.Single(Sites);
        Assert.Equal(serviceNames.Single(), (string?)site["tags"]!["azd-service-name"]);

        var outputs = snapshot.Outputs;
        Assert.Equal(SnapshotFixture.Location, (string?)outputs["AZURE_LOCATION"]);
        Assert.Equal(SnapshotFixture.TenantId, (string?)outputs["AZURE_TENANT_ID"]);
        Assert.Equal(Name(group), (string?)outputs["AZURE_RESOURCE_GROUP"]);
        Assert.Equal(Name(site), (string?)outputs["AZURE_FUNCTION_APP_NAME"]);
        Assert.Equal(Name(snapshot.Single(StorageAccounts)), (string?)outputs["AZURE_STORAGE_ACCOUNT_NAME"]);
        Assert.Equal(Name(snapshot.Single(Components)), (string?)outputs["APPLICATIONINSIGHTS_NAME"]);
        Assert.Equal(Name(snapshot.Single(ServiceBusNamespaces)) + ".servicebus.windows.net", (string?)outputs["SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"]);
        Assert.Contains("documentEndpoint", (string?)outputs["COSMOS_ENDPOINT"]);
    }

    // ---- helpers ----

    private IReadOnlyList<JsonObject> NonEmpty(string type)
    {
        var resources = snapshot.OfType(type);
        Assert.True(resources.Count > 0, $"The snapshot has no {type}.");
        return resources;
    }

    private static string Name(JsonObject resource) => (string)resource["name"]!;

    private static bool? Bool(JsonNode? node, string property) => (bool?)node?[property];

    private string AppIdentityId()
    {
        var identities = snapshot.Single(Sites)["identity"]!;
        Assert.Equal("UserAssigned", (string?)identities["type"]);
        return identities["userAssignedIdentities"]!.AsObject().Single().Key;
    }

    private JsonObject AppSettings() =>
        snapshot.OfType(SiteConfig).Single(c => Name(c).EndsWith("/appsettings", StringComparison.Ordinal))["properties"]!.AsObject();

    private static JsonObject CosmosModel() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPaths.Infra, "cosmos-containers.json")))!.AsObject();

    /// <summary>"app" when the principal is the Function App's identity, "user" when it is the deploying user; fails otherwise.</summary>
    private static string Principal(JsonNode properties, string appIdentityId)
    {
        var principalId = (string?)properties["principalId"];
        if (principalId == SnapshotFixture.DeployingUserId)
        {
            return "user";
        }

        Assert.Equal($"[reference('{appIdentityId}', '2023-01-31').principalId]", principalId);
        return "app";
    }

    /// <summary>The scope of a role assignment, read from its id (a literal id or an extensionResourceId expression).</summary>
    private static string Scope(JsonObject assignment)
    {
        var id = (string)assignment["id"]!;
        var literal = Regex.Match(id, @"^(?<scope>/subscriptions/.+?)/providers/Microsoft\.Authorization/roleAssignments/[^/]+$");
        if (literal.Success)
        {
            return literal.Groups["scope"].Value;
        }

        var expression = Regex.Match(id, @"^\[extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments'");
        Assert.True(expression.Success, $"Cannot read the scope of role assignment {id}.");
        return expression.Groups["scope"].Value;
    }

    [GeneratedRegex(@"\b(listKeys|listConnectionStrings|listAccountSas|listServiceSas|listSecrets|listCredentials|listAuthKeys)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex KeyReadingFunctions();

    [GeneratedRegex(@"AccountKey=|SharedAccessKey=|SharedAccessSignature|[?&]sig=|Password=|DefaultEndpointsProtocol=|ClientSecret", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"(key|secret|password|pwd|sas|token|connection_?string)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretSettingName();
}

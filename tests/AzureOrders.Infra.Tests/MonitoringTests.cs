using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzureOrders.Infra.Tests;

/// <summary>What operators get in Azure: diagnostic settings, alert rules, the action group and the workbook, all asserted on the snapshot.</summary>
public sealed partial class MonitoringTests(SnapshotFixture snapshot) : IClassFixture<SnapshotFixture>
{
    private const string DiagnosticSettings = "Microsoft.Insights/diagnosticSettings";

    [BicepFact]
    public void Service_bus_cosmos_and_the_function_app_send_their_logs_and_metrics_to_the_workspace()
    {
        var workspaceId = (string)snapshot.Single("Microsoft.OperationalInsights/workspaces")["id"]!;
        var settings = snapshot.OfType(DiagnosticSettings).ToDictionary(s => ScopeType((string)s["id"]!), s => s["properties"]!);

        Assert.Equal(["Microsoft.DocumentDB/databaseAccounts", "Microsoft.ServiceBus/namespaces", "Microsoft.Web/sites"], settings.Keys.Order());
        foreach (var (type, p) in settings)
        {
            Assert.Equal(workspaceId, (string?)p["workspaceId"]);
            Assert.All(p["logs"]!.AsArray(), l => Assert.True((bool)l!["enabled"]!, $"{type}: a log category is disabled."));
            Assert.NotEmpty(p["metrics"]!.AsArray());
        }

        Assert.Contains(settings["Microsoft.ServiceBus/namespaces"]["logs"]!.AsArray(), l => (string?)l!["categoryGroup"] == "allLogs");
        Assert.Contains(settings["Microsoft.Web/sites"]["logs"]!.AsArray(), l => (string?)l!["category"] == "FunctionAppLogs");
        // The throttling alert reads CDBDataPlaneRequests, which only the resource-specific destination creates.
        Assert.Equal("Dedicated", (string?)settings["Microsoft.DocumentDB/databaseAccounts"]["logAnalyticsDestinationType"]);
        Assert.Contains(settings["Microsoft.DocumentDB/databaseAccounts"]["logs"]!.AsArray(), l => (string?)l!["category"] == "DataPlaneRequests");
    }

    [BicepFact]
    public void Every_queue_and_topic_has_a_dead_letter_alert_and_a_backlog_alert_on_its_own_entity()
    {
        var topology = Topology.Load();
        var entities = Topology.Topics(topology).Concat(Topology.Queues(topology)).Select(e => (string)e["name"]!).ToList();
        var namespaceId = (string)snapshot.Single("Microsoft.ServiceBus/namespaces")["id"]!;
        var actionGroupId = (string)snapshot.Single("Microsoft.Insights/actionGroups")["id"]!;
        var alerts = snapshot.OfType("Microsoft.Insights/metricAlerts");

        foreach (var (metric, threshold) in new[] { ("DeadletteredMessages", 0), ("ActiveMessages", -1) })
        {
            var forMetric = alerts.Where(a => (string?)a["properties"]!["criteria"]!["allOf"]![0]!["metricName"] == metric).ToList();
            var covered = forMetric.Select(a => (string)a["properties"]!["criteria"]!["allOf"]![0]!["dimensions"]!.AsArray().Single()!["values"]!.AsArray().Single()!).ToList();
            Assert.Equal(entities.Order(), covered.Order());
            foreach (var alert in forMetric)
            {
                var p = alert["properties"]!;
                var criterion = p["criteria"]!["allOf"]![0]!;
                Assert.Equal([namespaceId], p["scopes"]!.AsArray().Select(s => (string)s!));
                Assert.Equal("EntityName", (string?)criterion["dimensions"]![0]!["name"]);
                Assert.Equal("GreaterThan", (string?)criterion["operator"]);
                if (threshold >= 0)
                {
                    Assert.Equal(threshold, (int)criterion["threshold"]!); // one dead-lettered message is one too many
                }

                Assert.True((bool)p["enabled"]!);
                Assert.Equal(actionGroupId, (string?)p["actions"]![0]!["actionGroupId"]);
            }
        }
    }

    [BicepFact]
    public void Function_failures_failed_orchestrations_and_cosmos_throttling_raise_log_alerts_with_the_query_files()
    {
        var componentId = (string)snapshot.Single("Microsoft.Insights/components")["id"]!;
        var workspaceId = (string)snapshot.Single("Microsoft.OperationalInsights/workspaces")["id"]!;
        var actionGroupId = (string)snapshot.Single("Microsoft.Insights/actionGroups")["id"]!;
        var rules = snapshot.OfType("Microsoft.Insights/scheduledQueryRules").ToDictionary(SnapshotFixture.ShortName, r => r["properties"]!);

        Assert.Equal(["cosmos-throttling", "failed-orchestrations", "function-failures"], rules.Keys.Order());
        Assert.Equal(componentId, (string?)rules["function-failures"]["scopes"]![0]);
        Assert.Equal(componentId, (string?)rules["failed-orchestrations"]["scopes"]![0]);
        Assert.Equal(workspaceId, (string?)rules["cosmos-throttling"]["scopes"]![0]);
        foreach (var (name, p) in rules)
        {
            var criterion = p["criteria"]!["allOf"]![0]!;
            Assert.Equal($"alert-{name}.kql", MonitoringDocs.QueryFileOf((string)criterion["query"]!));
            // The measure column must be one the query produces.
            Assert.Contains($"{criterion["metricMeasureColumn"]} = ", (string)criterion["query"]!);
            Assert.Equal([actionGroupId], p["actions"]!["actionGroups"]!.AsArray().Select(a => (string)a!));
        }
    }

    [BicepFact]
    public void Without_an_email_the_action_group_has_no_receivers()
    {
        var group = snapshot.Single("Microsoft.Insights/actionGroups");
        Assert.Empty(group["properties"]!["emailReceivers"]!.AsArray());
        Assert.InRange(((string)group["properties"]!["groupShortName"]!).Length, 1, 12);
    }

    [BicepFact]
    public void The_workbook_parses_and_runs_the_query_files_against_application_insights()
    {
        var componentId = (string)snapshot.Single("Microsoft.Insights/components")["id"]!;
        var workbook = snapshot.Single("Microsoft.Insights/workbooks");
        Assert.Equal(componentId, (string?)workbook["properties"]!["sourceId"]);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", SnapshotFixture.ShortName(workbook));

        var content = MonitoringDocs.Workbook(snapshot);
        var items = content["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var queries = items.Where(i => (int)i["type"]! == 3).Select(i => MonitoringDocs.QueryFileOf((string)i["content"]!["query"]!)).ToList();
        var expected = MonitoringDocs.QueryFiles().Select(Path.GetFileName).Where(f => !f!.StartsWith("alert-", StringComparison.Ordinal));
        Assert.Equal(expected.Order(), queries.Order());

        var metrics = items.Where(i => (int)i["type"]! == 10).SelectMany(i => i["content"]!["metrics"]!.AsArray()).Select(m => (string)m!["metric"]!).ToList();
        Assert.Equal(["microsoft.servicebus/namespaces--ActiveMessages", "microsoft.servicebus/namespaces--DeadletteredMessages"], metrics.Order());

        // The journey takes its order id from the workbook's parameter.
        var parameters = items.Single(i => (int)i["type"]! == 9)["content"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Contains("OrderId", parameters);
        Assert.Contains("{OrderId}", File.ReadAllText(Path.Combine(MonitoringDocs.QueriesDirectory, "order-journey.kql")));
    }

    [Fact]
    public void Every_query_file_is_loaded_by_the_bicep()
    {
        var bicep = string.Concat(Directory.GetFiles(Path.Combine(InfraPaths.Infra, "modules"), "*.bicep").Select(File.ReadAllText));
        foreach (var file in MonitoringDocs.QueryFiles())
        {
            Assert.Contains($"loadTextContent('../monitoring/queries/{Path.GetFileName(file)}')", bicep);
        }
    }

    [Fact]
    public void The_queries_read_only_tables_dimensions_and_metrics_that_the_docs_name()
    {
        var doc = File.ReadAllText(MonitoringDocs.DocPath);
        var section = doc[doc.IndexOf("## Azure monitoring", StringComparison.Ordinal)..];
        foreach (var file in MonitoringDocs.QueryFiles())
        {
            var query = string.Join('\n', File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            foreach (var table in Tables(query))
            {
                Assert.True(section.Contains($"`{table}`", StringComparison.Ordinal), $"{Path.GetFileName(file)} reads table {table}, which the Azure monitoring section of docs/observability.md does not name.");
            }

            foreach (Match dimension in Dimension().Matches(query))
            {
                Assert.True(doc.Contains($"`{dimension.Groups["key"].Value}`", StringComparison.Ordinal), $"{Path.GetFileName(file)} reads attribute {dimension.Groups["key"].Value}, which docs/observability.md does not name.");
            }

            foreach (Match metric in MetricName().Matches(query))
            {
                Assert.True(doc.Contains($"`{metric.Value.Trim('"')}`", StringComparison.Ordinal), $"{Path.GetFileName(file)} reads metric {metric.Value}, which docs/observability.md does not name.");
            }
        }
    }

    [BicepFact]
    public void The_azure_monitoring_section_of_the_docs_is_generated_from_the_deployed_alerts_and_the_query_files()
    {
        var expected = MonitoringDocs.Generate(snapshot);
        var doc = File.ReadAllText(MonitoringDocs.DocPath).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("AZUREORDERS_UPDATE_GENERATED") == "1" && MonitoringDocs.Committed(doc) is not null)
        {
            doc = MonitoringDocs.Replace(doc, expected);
            File.WriteAllText(MonitoringDocs.DocPath, doc);
        }

        var committed = MonitoringDocs.Committed(doc);
        Assert.True(committed is not null, $"docs/observability.md lacks the markers {MonitoringDocs.Begin} ... {MonitoringDocs.End}.");
        Assert.True(committed == expected, $"The generated Azure monitoring section of docs/observability.md is stale. {MonitoringDocs.RegenerateHint}");
    }

    /// <summary>Tables a query reads: a line that is only a table name (a statement's source), and the tables of each union.</summary>
    private static IEnumerable<string> Tables(string query)
    {
        foreach (Match m in TableReference().Matches(query))
        {
            foreach (var name in m.Groups["tables"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                yield return name;
            }
        }
    }

    private static string ScopeType(string id)
    {
        var m = Regex.Match(id, @"/providers/(?<ns>[^/]+)/(?<type>[^/]+)/[^/]+/providers/Microsoft\.Insights/diagnosticSettings/", RegexOptions.IgnoreCase);
        Assert.True(m.Success, $"Cannot read the scope of {id}.");
        return $"{m.Groups["ns"].Value}/{m.Groups["type"].Value}";
    }

    [GeneratedRegex(@"(?m)(?:^(?!\s*\||\s*let\b)\s*|\bunion\s+)(?<tables>[A-Za-z][A-Za-z0-9]*(?:\s*,\s*[A-Za-z][A-Za-z0-9]*)*)\s*$")]
    private static partial Regex TableReference();

    [GeneratedRegex(@"customDimensions\[""(?<key>[^""]+)""\]")]
    private static partial Regex Dimension();

    [GeneratedRegex(@"""azureorders\.[a-z_.]*[a-z_]""")]
    private static partial Regex MetricName();
}

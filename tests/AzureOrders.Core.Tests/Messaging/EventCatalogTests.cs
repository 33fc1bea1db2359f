using AzureOrders.Messaging;

namespace AzureOrders.Core.Tests.Messaging;

public class EventCatalogTests
{
    public const string UpdateVariable = "AZUREORDERS_UPDATE_EVENT_CATALOG";

    [Fact]
    public void The_event_catalog_document_matches_the_contracts_and_topology()
    {
        var path = RepoPaths.File("docs/events.md");
        var expected = EventCatalogDocument.Generate(Topology.Load(RepoPaths.File("infra/topology.json")));
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path), $"docs/events.md is missing; run with {UpdateVariable}=1 to generate it.");
        var actual = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(expected == actual,
            $"docs/events.md is stale: regenerate it with `{UpdateVariable}=1 dotnet test tests/AzureOrders.Core.Tests --filter EventCatalog`.");
    }
}

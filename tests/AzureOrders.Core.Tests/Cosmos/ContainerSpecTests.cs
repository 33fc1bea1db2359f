using System.Text.Json.Nodes;
using AzureOrders.Persistence;

namespace AzureOrders.Core.Tests.Cosmos;

public class ContainerSpecTests
{
    [Fact]
    public void Core_containers_match_the_names_and_partition_keys_Bicep_creates()
    {
        var infra = JsonNode.Parse(File.ReadAllText(RepoPaths.File("infra/cosmos-containers.json")))!;
        Assert.Equal(ContainerNames.Database, infra["databaseName"]!.GetValue<string>());
        var deployed = infra["containers"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["partitionKey"]!.GetValue<string>());
        foreach (var spec in Containers.All)
        {
            Assert.True(deployed.TryGetValue(spec.Name, out var pk), $"infra/cosmos-containers.json lacks container {spec.Name}");
            Assert.Equal(spec.PartitionKeyPath, pk);
        }
    }

    [Fact]
    public void Indexing_covers_only_what_is_queried()
    {
        foreach (var spec in Containers.All)
        {
            var policy = spec.ToProperties().IndexingPolicy;
            Assert.Equal("/*", Assert.Single(policy.ExcludedPaths).Path);
            Assert.All(policy.IncludedPaths, p => Assert.EndsWith("/?", p.Path));
            Assert.Equal(-1, spec.ToProperties().DefaultTimeToLive);
        }
        Assert.Contains(Containers.Get(ContainerNames.Payments).IndexedPaths, p => p == "/dispatched/?");
    }
}

using AzureOrders.Hosting;
using Microsoft.Extensions.Configuration;

namespace AzureOrders.Functions.Tests;

public sealed class ConnectionSettingsTests
{
    [Fact]
    public void The_local_settings_sample_shape_connects_to_the_emulators()
    {
        var settings = ConnectionSettings.Load(Configuration(new()
        {
            ["ServiceBus"] = "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
            ["CosmosDb"] = "AccountEndpoint=https://localhost:8081/;AccountKey=abc;",
            ["CosmosDb:databaseName"] = "azureorders",
        }));

        Assert.StartsWith("Endpoint=sb://localhost", settings.ServiceBusConnectionString);
        Assert.StartsWith("AccountEndpoint=https://localhost:8081/", settings.CosmosConnectionString);
        Assert.Equal("azureorders", settings.CosmosDatabaseName);
    }

    [Fact]
    public void Missing_settings_are_named_in_one_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConnectionSettings.Load(Configuration(new())));

        Assert.Contains("ServiceBus__fullyQualifiedNamespace", error.Message);
        Assert.Contains("CosmosDb__accountEndpoint", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

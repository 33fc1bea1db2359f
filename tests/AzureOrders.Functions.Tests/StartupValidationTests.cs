using AzureOrders.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AzureOrders.Functions.Tests;

/// <summary>
/// The Function App's registrations (AddAzureOrders, as Program.cs calls it) refuse to start on a missing or wrong
/// integration setting, naming the key: a deployment never falls back to the simulated gateway or the in-memory sender.
/// </summary>
public sealed class StartupValidationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["ServiceBus"] = "Endpoint=sb://127.0.0.1;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
        ["CosmosDb"] = "AccountEndpoint=https://127.0.0.1:8081/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;",
        ["CosmosDb:databaseName"] = "azureorders",
        ["Payments:Gateway"] = "Simulator",
        ["Notifications:Sender"] = "Log",
    };

    [Fact]
    public async Task With_every_integration_chosen_the_host_starts()
    {
        using var host = Build(Valid);
        await host.StartAsync();
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Payments:Gateway")]
    [InlineData("Notifications:Sender")]
    public async Task Without_an_integration_setting_the_host_refuses_to_start_naming_the_key(string key)
    {
        using var host = Build(new Dictionary<string, string?>(Valid) { [key] = null });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("Payments:Gateway", "Stripe")]
    [InlineData("Notifications:Sender", "Smtp")]
    [InlineData("Messaging:DelayedRetry:MaxRetries", "-1")]
    public async Task With_an_unknown_or_invalid_value_the_host_refuses_to_start_naming_the_key(string key, string value)
    {
        using var host = Build(new Dictionary<string, string?>(Valid) { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key, error.Message);
        Assert.Contains(value, error.Message);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAzureOrders(builder.Configuration, ConnectionSettings.Load(builder.Configuration));
        return builder.Build();
    }
}

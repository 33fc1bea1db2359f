using AzureOrders.LocalHost;
using AzureOrders.LocalHost.Faults;

namespace AzureOrders.Reliability.Tests;

/// <summary>
/// One local system for the suite (starting one costs seconds on a busy 2-core machine); the tests take turns
/// (one collection), each measures against the state it found and leaves the fault injector inert.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public FaultInjector Faults { get; } = new(seed: 20261126);

    public LocalSystem System { get; private set; } = null!;

    public async Task InitializeAsync() =>
        System = await LocalSystem.StartAsync(new LocalSystemOptions
        {
            Port = 0,
            GatewayLatency = TimeSpan.FromMilliseconds(2),
            Faults = Faults,
            // Injected faults make the host log every crash and 503 it meets; the tests print their own figures instead.
            Configuration = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Error", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Critical" },
        });

    public async Task DisposeAsync() => await System.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "local system";
}

using AzureOrders.EmbeddedEndpoints;
using Emulator = AzureOrders.ServiceBusEmulator.ServiceBusEmulator;

namespace AzureOrders.Testing;

/// <summary>
/// A Service Bus namespace for tests. By default the project's embedded emulator, loaded with infra/topology.json,
/// on a free 127.0.0.1 port, one per test. Set AZUREORDERS_SERVICEBUS_CONNECTION to a connection string (for
/// example Microsoft's emulator from infra/local/docker-compose.yml:
/// "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;")
/// to run the same tests against it; its entities must be the topology's (the compose file's Config.json is).
/// Tests then share that namespace, so run them one project at a time.
/// </summary>
public sealed class ServiceBusEndpoint : IAsyncDisposable
{
    public const string ConnectionEnvironmentVariable = "AZUREORDERS_SERVICEBUS_CONNECTION";

    private readonly Emulator? _emulator;

    private ServiceBusEndpoint(string connectionString, Emulator? emulator) => (ConnectionString, _emulator) = (connectionString, emulator);

    public string ConnectionString { get; }

    /// <summary>True when the tests run against a namespace given from outside rather than their own emulator.</summary>
    public bool IsShared => _emulator is null;

    public static async Task<ServiceBusEndpoint> StartAsync(CancellationToken cancellationToken = default)
    {
        if (Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable) is { Length: > 0 } connection)
            return new ServiceBusEndpoint(connection, null);
        var emulator = await EmbeddedServiceBus.StartAsync(cancellationToken: cancellationToken);
        return new ServiceBusEndpoint(emulator.ConnectionString, emulator);
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null) await _emulator.DisposeAsync();
    }
}

using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace AzureOrders.Admin;

/// <summary>
/// A connection string (emulators, or a SAS rule) or a namespace with DefaultAzureCredential (Azure, where the
/// namespace has local auth disabled: sign in with az login, or run with a managed identity).
/// </summary>
public static class Connection
{
    public const string EnvironmentVariable = "AZUREORDERS_SERVICEBUS_CONNECTION";

    public static ServiceBusClient Create(CliArguments args, CliConsole console)
    {
        var connectionString = args.Option("connection-string");
        var fullyQualifiedNamespace = args.Option("namespace");
        if (connectionString is not null && fullyQualifiedNamespace is not null)
            throw new UsageException("give --connection-string or --namespace, not both");
        // Fewer, shorter retries than the SDK default: a person is waiting, and a wrong address should fail in seconds.
        var options = new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 2, TryTimeout = TimeSpan.FromSeconds(20) },
        };
        if (fullyQualifiedNamespace is not null)
        {
            // "contoso-sb" is accepted for "contoso-sb.servicebus.windows.net" (sovereign clouds give the full name).
            if (!fullyQualifiedNamespace.Contains('.', StringComparison.Ordinal)) fullyQualifiedNamespace += ".servicebus.windows.net";
            return new ServiceBusClient(fullyQualifiedNamespace, new DefaultAzureCredential(), options);
        }
        connectionString ??= console.Environment(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new UsageException($"no Service Bus: give --connection-string \"Endpoint=sb://...\" (or set {EnvironmentVariable}), or --namespace <name>.servicebus.windows.net");
        try
        {
            return new ServiceBusClient(connectionString, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException($"the connection string is not valid: {e.Message}");
        }
    }
}

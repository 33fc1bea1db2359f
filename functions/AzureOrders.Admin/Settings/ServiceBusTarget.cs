using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace AzureOrders.Admin.Settings;

/// <summary>
/// Which Service Bus namespace a command acts on: a connection string (emulators, a SAS rule) or a namespace with
/// DefaultAzureCredential (Azure, where local auth is disabled: az login, or a managed identity). First of:
/// --connection-string, --namespace, $AZUREORDERS_SERVICEBUS_CONNECTION, SERVICEBUS_FULLY_QUALIFIED_NAMESPACE
/// (process or azd environment).
/// </summary>
public sealed record ServiceBusTarget(string? ConnectionString, string? FullyQualifiedNamespace, string Source)
{
    public const string ConnectionVariable = "AZUREORDERS_SERVICEBUS_CONNECTION";
    public const string NamespaceVariable = "SERVICEBUS_FULLY_QUALIFIED_NAMESPACE";

    public const string Missing =
        "no Service Bus: give --connection-string \"Endpoint=sb://...\" (emulators) or --namespace <name>.servicebus.windows.net (Azure), " +
        $"or set {ConnectionVariable} or {NamespaceVariable} (azd env get-values prints the latter)";

    public static ServiceBusTarget? Resolve(string? connectionString, string? fullyQualifiedNamespace, AzdEnvironment environment)
    {
        if (connectionString is not null) return new(connectionString, null, "--connection-string");
        if (fullyQualifiedNamespace is not null) return new(null, Qualify(fullyQualifiedNamespace), "--namespace");
        if (environment.Get(ConnectionVariable) is { } fromVariable) return new(fromVariable, null, environment.SourceOf(ConnectionVariable));
        if (environment.Get(NamespaceVariable) is { } fromAzd) return new(null, Qualify(fromAzd), environment.SourceOf(NamespaceVariable));
        return null;
    }

    /// <summary>Null when valid, else what is wrong (checked while parsing, so a typo is a usage error before any connection).</summary>
    public string? Problem()
    {
        if (ConnectionString is null) return null;
        try
        {
            ServiceBusConnectionStringProperties.Parse(ConnectionString);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return $"the Service Bus connection string ({Source}) is not valid: {e.Message}";
        }
    }

    /// <summary>Where, without secrets: the namespace or the connection string's endpoint.</summary>
    public string Display
    {
        get
        {
            if (FullyQualifiedNamespace is not null) return FullyQualifiedNamespace;
            var endpoint = ServiceBusConnectionStringProperties.Parse(ConnectionString!).Endpoint;
            return endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}";
        }
    }

    public ServiceBusClient CreateClient(AzdEnvironment environment)
    {
        // Fewer, shorter retries than the SDK default: a person is waiting, and a wrong address should fail in seconds.
        var options = new ServiceBusClientOptions
        {
            RetryOptions = new ServiceBusRetryOptions { MaxRetries = 2, TryTimeout = TimeSpan.FromSeconds(20) },
        };
        return FullyQualifiedNamespace is not null
            ? new ServiceBusClient(FullyQualifiedNamespace, Credentials.Create(environment), options)
            : new ServiceBusClient(ConnectionString, options);
    }

    // "contoso-sb" is accepted for "contoso-sb.servicebus.windows.net" (sovereign clouds give the full name).
    private static string Qualify(string name) => name.Contains('.', StringComparison.Ordinal) ? name : name + ".servicebus.windows.net";
}

internal static class Credentials
{
    /// <summary>
    /// DefaultAzureCredential (az/azd login, Visual Studio, environment, managed identity), in the azd environment's
    /// tenant when it names one, so a developer signed in to several tenants reaches the deployed account.
    /// </summary>
    public static DefaultAzureCredential Create(AzdEnvironment environment) =>
        new(new DefaultAzureCredentialOptions { TenantId = environment.Get("AZURE_TENANT_ID") });
}

using System.Net;
using System.Net.Security;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Persistence;

/// <summary>
/// The one CosmosClient of a process (it is thread-safe and holds connections; create it once). Against a
/// loopback endpoint (embedded server, emulator) it uses Gateway mode limited to that endpoint and
/// accepts the local self-signed certificate, and only there.
/// </summary>
public static class CosmosClientFactory
{
    /// <summary>Connection string form (local runs, tests): AccountEndpoint=...;AccountKey=...;</summary>
    /// <param name="documents">The services' document metadata (<see cref="CosmosDocuments"/>); the shared persistence documents are always known.</param>
    public static CosmosClient Create(string connectionString, Action<CosmosClientOptions>? configure = null, IEnumerable<IJsonTypeInfoResolver>? documents = null)
    {
        var endpoint = ParseEndpoint(connectionString);
        return new CosmosClient(connectionString, BuildOptions(endpoint, configure, documents));
    }

    /// <summary>Token form (Azure, managed identity): no keys anywhere.</summary>
    public static CosmosClient Create(Uri endpoint, Azure.Core.TokenCredential credential, Action<CosmosClientOptions>? configure = null, IEnumerable<IJsonTypeInfoResolver>? documents = null) =>
        new(endpoint.ToString(), credential, BuildOptions(endpoint, configure, documents));

    public static CosmosClientOptions BuildOptions(Uri endpoint, Action<CosmosClientOptions>? configure = null, IEnumerable<IJsonTypeInfoResolver>? documents = null)
    {
        var options = new CosmosClientOptions
        {
            Serializer = new CosmosJsonSerializer(documents),
            ApplicationName = "AzureOrders",
            // Writes return only headers: handlers never need the echoed body, and it saves bandwidth.
            EnableContentResponseOnWrite = false,
            // SDK-level retries on 429 stay bounded; past them the message is redelivered later (backoff, not hot loops).
            MaxRetryAttemptsOnRateLimitedRequests = 5,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(10),
            // The SDK's own spans (ActivitySource Azure.Cosmos.Operation) join the order's trace; off by default in 3.x.
            CosmosClientTelemetryOptions = new CosmosClientTelemetryOptions { DisableDistributedTracing = false },
        };
        // Round trips and request charge as metrics, for every host's client.
        options.CustomHandlers.Add(new Diagnostics.CosmosTelemetryHandler());
        if (IsLoopback(endpoint))
        {
            options.ConnectionMode = ConnectionMode.Gateway;
            options.LimitToEndpoint = true;
            options.HttpClientFactory = () => new HttpClient(new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                SslOptions = new SslClientAuthenticationOptions
                {
                    // The local server's certificate is self-signed; trust it for loopback hosts only.
                    RemoteCertificateValidationCallback = (sender, _, _, errors) =>
                        errors == SslPolicyErrors.None || IsLoopbackHost((sender as SslStream)?.TargetHostName ?? endpoint.Host),
                },
            });
        }
        configure?.Invoke(options);
        return options;
    }

    public static Uri ParseEndpoint(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Equals("AccountEndpoint", StringComparison.OrdinalIgnoreCase))
                return new Uri(part[(eq + 1)..]);
        }
        throw new FormatException("The Cosmos connection string has no AccountEndpoint.");
    }

    public static bool IsLoopback(Uri endpoint) => IsLoopbackHost(endpoint.Host);

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}

using System.Net;
using System.Net.Security;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Testing;

/// <summary>
/// CosmosClient settings that work with the embedded server and Microsoft's emulator as well as Azure:
/// Gateway mode (the only mode they speak), LimitToEndpoint (never follow advertised regional endpoints),
/// and an HttpClient that accepts a self-signed certificate only from a loopback host.
/// </summary>
public static class CosmosClients
{
    public static CosmosClient Create(string connectionString, Action<CosmosClientOptions>? configure = null)
    {
        var options = CreateOptions();
        configure?.Invoke(options);
        return new CosmosClient(connectionString, options);
    }

    public static CosmosClientOptions CreateOptions() => new()
    {
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        HttpClientFactory = () => new HttpClient(CreateHandler(), disposeHandler: true),
    };

    public static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = AcceptSelfSignedOnLoopback },
    };

    /// <summary>Normal validation everywhere; local servers with a self-signed certificate are accepted.</summary>
    public static bool AcceptSelfSignedOnLoopback(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        var host = (sender as SslStream)?.TargetHostName;
        return IsLoopback(host);
    }

    private static bool IsLoopback(string? host) =>
        host is not null &&
        (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
         (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}

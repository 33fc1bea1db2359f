using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>Options for <see cref="EmbeddedCosmosServer"/>.</summary>
public sealed record EmbeddedCosmosServerOptions
{
    /// <summary>The well-known Cosmos DB emulator key; the embedded server accepts any key.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DXjz4Ij7zFGxHyCzqgFd5Gp/Qdjjv3rOw1eb3eG5t2w4yQ==";

    /// <summary>Port on 127.0.0.1; 0 lets the server take a free one (the default, safe for parallel runs).</summary>
    public int Port { get; init; }

    /// <summary>The key put into <see cref="EmbeddedCosmosServer.ConnectionString"/>.</summary>
    public string Key { get; init; } = EmulatorKey;

    /// <summary>
    /// Where to keep data between runs (a JSON snapshot written on stop and read on start).
    /// Null keeps everything in memory, as tests want.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Folder with the pinned package.json/package-lock.json; null finds infra/local.</summary>
    public string? PackagesDirectory { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// The Cosmos DB server for tests and local runs: @vercel/cosmosdb-server (pinned in infra/local) behind our
/// compatibility layer (infra/local/cosmos), over HTTPS with a certificate made at start, on 127.0.0.1.
/// <code>await using var cosmos = await EmbeddedCosmosServer.StartAsync();</code>
/// </summary>
public sealed class EmbeddedCosmosServer : IAsyncDisposable
{
    private readonly NodeServerProcess process;
    private readonly ScratchDirectory scratch;

    private EmbeddedCosmosServer(NodeServerProcess process, ScratchDirectory scratch, int port, string key, X509Certificate2 certificate)
    {
        this.process = process;
        this.scratch = scratch;
        Endpoint = new Uri($"https://127.0.0.1:{port}/");
        Key = key;
        Certificate = certificate;
    }

    public Uri Endpoint { get; }

    public string Key { get; }

    public string ConnectionString => $"AccountEndpoint={Endpoint};AccountKey={Key};";

    /// <summary>The self-signed certificate the server presents (for clients that prefer pinning it).</summary>
    public X509Certificate2 Certificate { get; }

    public int ProcessId => process.ProcessId;

    public static async Task<EmbeddedCosmosServer> StartAsync(EmbeddedCosmosServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedCosmosServerOptions();
        var packages = options.PackagesDirectory ?? LocalPackages.FindDirectory();
        await LocalPackages.EnsureInstalledAsync(packages, options.InstallTimeout, cancellationToken);

        var scratch = new ScratchDirectory("azureorders-cosmos");
        try
        {
            var certificate = LoopbackCertificate.CreatePemFiles(scratch.Path, options.TimeProvider, out var certPath, out var keyPath);
            List<string> arguments =
            [
                Path.Combine(packages, "cosmos", "server.js"),
                "--host", "127.0.0.1",
                "--port", options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--cert", certPath,
                "--key", keyPath,
            ];
            if (options.DataDirectory is { } data)
            {
                Directory.CreateDirectory(data);
                arguments.AddRange(["--data", Path.GetFullPath(data)]);
            }

            var port = 0;
            var process = await NodeServerProcess.StartAsync(
                "The embedded Cosmos DB server",
                packages,
                scratch.Path,
                arguments,
                line => TryReadListeningPort(line, out port),
                options.StartTimeout,
                cancellationToken);
            return new EmbeddedCosmosServer(process, scratch, port, options.Key, certificate);
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        scratch.Dispose();
        Certificate.Dispose();
    }

    // The server prints one JSON line {"listening":{"port":N}} once it accepts connections.
    private static bool TryReadListeningPort(string line, out int port)
    {
        port = 0;
        if (!line.StartsWith("{\"listening\"", StringComparison.Ordinal)) return false;
        using var json = JsonDocument.Parse(line);
        port = json.RootElement.GetProperty("listening").GetProperty("port").GetInt32();
        return port > 0;
    }
}

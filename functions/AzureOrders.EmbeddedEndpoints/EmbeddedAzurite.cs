using System.Text.RegularExpressions;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>Options for <see cref="EmbeddedAzurite"/>.</summary>
public sealed record EmbeddedAzuriteOptions
{
    /// <summary>Azurite's fixed development account; the connection string carries it.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Keep data in this folder between runs; null keeps it in memory (tests).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Fixed ports for blob/queue/table; 0 (the default) lets Azurite take free ones.</summary>
    public int BlobPort { get; init; }

    public int QueuePort { get; init; }

    public int TablePort { get; init; }

    /// <summary>Folder with the pinned package.json/package-lock.json; null finds infra/local.</summary>
    public string? PackagesDirectory { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Azurite (pinned in infra/local) on 127.0.0.1 with blob, queue and table services.
/// <code>await using var azurite = await EmbeddedAzurite.StartAsync();</code>
/// </summary>
public sealed partial class EmbeddedAzurite : IAsyncDisposable
{
    private readonly NodeServerProcess process;
    private readonly ScratchDirectory scratch;

    private EmbeddedAzurite(NodeServerProcess process, ScratchDirectory scratch, Uri blob, Uri queue, Uri table)
    {
        this.process = process;
        this.scratch = scratch;
        BlobEndpoint = blob;
        QueueEndpoint = queue;
        TableEndpoint = table;
    }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={EmbeddedAzuriteOptions.AccountName};AccountKey={EmbeddedAzuriteOptions.AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public int ProcessId => process.ProcessId;

    public static async Task<EmbeddedAzurite> StartAsync(EmbeddedAzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedAzuriteOptions();
        var packages = options.PackagesDirectory ?? LocalPackages.FindDirectory();
        await LocalPackages.EnsureInstalledAsync(packages, options.InstallTimeout, cancellationToken);

        var scratch = new ScratchDirectory("azureorders-azurite");
        try
        {
            string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            List<string> arguments =
            [
                Path.Combine(packages, "node_modules", "azurite", "dist", "src", "azurite.js"),
                "--blobHost", "127.0.0.1", "--blobPort", Port(options.BlobPort),
                "--queueHost", "127.0.0.1", "--queuePort", Port(options.QueuePort),
                "--tableHost", "127.0.0.1", "--tablePort", Port(options.TablePort),
                // Current SDKs send API versions newer than Azurite knows; --loose tolerates unsupported headers.
                "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            ];
            if (options.DataDirectory is { } data)
            {
                Directory.CreateDirectory(data);
                arguments.AddRange(["--location", Path.GetFullPath(data)]);
            }
            else
            {
                arguments.Add("--inMemoryPersistence");
                // In-memory extents default to half the machine's memory; tests need little.
                arguments.AddRange(["--extentMemoryLimit", "512"]);
            }

            var endpoints = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
            var process = await NodeServerProcess.StartAsync(
                "Azurite",
                packages,
                scratch.Path,
                arguments,
                line =>
                {
                    // Azurite reports the address it really bound, which is how port 0 becomes a known port.
                    var match = ListeningLine().Match(line);
                    if (match.Success) endpoints[match.Groups["service"].Value] = new Uri(match.Groups["url"].Value + "/" + EmbeddedAzuriteOptions.AccountName);
                    return endpoints.Count == 3;
                },
                options.StartTimeout,
                cancellationToken,
                new Dictionary<string, string> { ["no-telemetry.cjs"] = NoTelemetryScript });
            return new EmbeddedAzurite(process, scratch, endpoints["Blob"], endpoints["Queue"], endpoints["Table"]);
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
    }

    // Azurite loads the Application Insights SDK even with --disableTelemetry, and that load is about half of
    // its start time. With telemetry off nothing calls into it, so an inert stand-in is loaded instead.
    private const string NoTelemetryScript = """
        'use strict';
        const Module = require('module');
        const inert = new Proxy(function () {}, {
          get: (_, key) => (key === 'then' ? undefined : inert),
          apply: () => inert,
          construct: () => inert,
        });
        const load = Module._load;
        Module._load = function (request, ...rest) {
          return request === 'applicationinsights' ? inert : load.call(this, request, ...rest);
        };
        """;

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at (?<url>https?://[^\s]+)")]
    private static partial Regex ListeningLine();
}

using System.Diagnostics;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Foundation.Tests;

/// <summary>Process hygiene of the embedded Cosmos DB server: ports, readiness, errors, cleanup, data folder.</summary>
public sealed class CosmosServerProcessTests
{
    [Fact]
    public async Task Disposing_the_server_leaves_no_process_behind()
    {
        var server = await EmbeddedCosmosServer.StartAsync();
        var pid = server.ProcessId;
        Assert.True(IsRunning(pid));

        await server.DisposeAsync();

        await WaitUntilAsync(() => !IsRunning(pid), TimeSpan.FromSeconds(10), $"node process {pid} still runs after dispose");
    }

    [Fact]
    public async Task Two_servers_run_side_by_side_on_free_loopback_ports()
    {
        var servers = await Task.WhenAll(EmbeddedCosmosServer.StartAsync(), EmbeddedCosmosServer.StartAsync());
        try
        {
            Assert.All(servers, s => Assert.Equal("127.0.0.1", s.Endpoint.Host));
            Assert.NotEqual(servers[0].Endpoint.Port, servers[1].Endpoint.Port);
            foreach (var server in servers)
            {
                using var client = CosmosClients.Create(server.ConnectionString);
                var account = await client.ReadAccountAsync();
                Assert.NotNull(account.Id);
            }
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_server_that_dies_at_start_reports_its_exit_code_and_stderr()
    {
        using var packages = FakePackages.WithServer("console.error('boom: no such thing'); process.exit(3);");

        var error = await Assert.ThrowsAsync<EmbeddedEndpointException>(() =>
            EmbeddedCosmosServer.StartAsync(new EmbeddedCosmosServerOptions { PackagesDirectory = packages.Path }));

        Assert.Contains("exited with code 3", error.Message);
        Assert.Contains("boom: no such thing", error.Message);
    }

    [Fact]
    public async Task A_server_that_never_becomes_ready_fails_at_the_deadline_and_is_stopped()
    {
        using var packages = FakePackages.WithServer("console.error('still warming up'); setInterval(() => {}, 1000);");
        var before = NodeProcessIds();

        var error = await Assert.ThrowsAsync<EmbeddedEndpointException>(() => EmbeddedCosmosServer.StartAsync(
            new EmbeddedCosmosServerOptions { PackagesDirectory = packages.Path, StartTimeout = TimeSpan.FromSeconds(2) }));

        Assert.Contains("was not ready within 2 s", error.Message);
        Assert.Contains("still warming up", error.Message);
        await WaitUntilAsync(() => !NodeProcessIds().Except(before).Any(IsFakeServer(packages.Path)), TimeSpan.FromSeconds(10),
            "the server that timed out is still running");
    }

    [Fact]
    public async Task Npm_install_runs_on_first_use_and_is_skipped_once_the_lockfile_is_installed()
    {
        using var packages = FakePackages.WithServer("", installed: false);

        await LocalPackages.EnsureInstalledAsync(packages.Path, TimeSpan.FromMinutes(2));
        var marker = Directory.GetFiles(Path.Combine(packages.Path, "node_modules"), ".azureorders-installed").Single();
        var installedAt = File.GetLastWriteTimeUtc(marker);
        await LocalPackages.EnsureInstalledAsync(packages.Path, TimeSpan.FromMinutes(2));

        Assert.Equal(installedAt, File.GetLastWriteTimeUtc(marker));
    }

    [Fact]
    public async Task An_install_made_by_npm_ci_outside_the_fixtures_is_adopted()
    {
        using var packages = FakePackages.WithServer("", installed: false);
        // As if someone had run npm ci: the pinned dependency at its exact version and npm's hidden lockfile.
        // (Were npm ci run here, it would fail: the lockfile does not list the dependency.)
        File.WriteAllText(Path.Combine(packages.Path, "package.json"), """{ "name": "fake", "version": "1.0.0", "dependencies": { "@scope/pinned": "1.2.3" } }""");
        Directory.CreateDirectory(Path.Combine(packages.Path, "node_modules", "@scope", "pinned"));
        File.WriteAllText(Path.Combine(packages.Path, "node_modules", "@scope", "pinned", "package.json"), """{ "name": "@scope/pinned", "version": "1.2.3" }""");
        File.WriteAllText(Path.Combine(packages.Path, "node_modules", ".package-lock.json"), "{}");

        await LocalPackages.EnsureInstalledAsync(packages.Path, TimeSpan.FromMinutes(2));

        Assert.True(File.Exists(Path.Combine(packages.Path, "node_modules", ".azureorders-installed")));
    }

    [Fact]
    public async Task A_server_with_a_data_directory_keeps_items_across_restarts()
    {
        var data = Path.Combine(Path.GetTempPath(), $"azureorders-cosmos-data-{Guid.NewGuid():N}");
        try
        {
            await using (var first = await EmbeddedCosmosServer.StartAsync(new EmbeddedCosmosServerOptions { DataDirectory = data }))
            {
                using var client = CosmosClients.Create(first.ConnectionString);
                Database db = await client.CreateDatabaseIfNotExistsAsync("local");
                Container container = await db.CreateContainerIfNotExistsAsync("orders", "/pk");
                await container.CreateItemAsync(new TestItem("ord_123", "ord_123", 2), new PartitionKey("ord_123"));
            }

            await using var second = await EmbeddedCosmosServer.StartAsync(new EmbeddedCosmosServerOptions { DataDirectory = data });
            using var again = CosmosClients.Create(second.ConnectionString);
            var item = await again.GetContainer("local", "orders").ReadItemAsync<TestItem>("ord_123", new PartitionKey("ord_123"));
            Assert.Equal(2, item.Resource.n);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !IsZombie(pid);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // An exited process whose new parent has not reaped it yet (containers often lack an init that does)
    // still has a process entry; it is dead all the same.
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static HashSet<int> NodeProcessIds() => Process.GetProcessesByName("node").Select(p => p.Id).ToHashSet();

    private static Func<int, bool> IsFakeServer(string directory) => pid =>
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains(directory, StringComparison.Ordinal); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    };

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }

    /// <summary>A throwaway infra/local look-alike: an empty lockfile and a cosmos/server.js of our choosing.</summary>
    private sealed class FakePackages : IDisposable
    {
        private FakePackages(string path) => Path = path;

        public string Path { get; }

        public static FakePackages WithServer(string serverScript, bool installed = true)
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"azureorders-fake-packages-{Guid.NewGuid():N}");
            Directory.CreateDirectory(System.IO.Path.Combine(path, "cosmos"));
            File.WriteAllText(System.IO.Path.Combine(path, "package.json"), """{ "name": "fake", "version": "1.0.0", "private": true }""");
            File.WriteAllText(System.IO.Path.Combine(path, "package-lock.json"),
                """{ "name": "fake", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "fake", "version": "1.0.0" } } }""");
            File.WriteAllText(System.IO.Path.Combine(path, "cosmos", "server.js"), serverScript);
            var packages = new FakePackages(path);
            if (installed) LocalPackages.EnsureInstalledAsync(path, TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
            return packages;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

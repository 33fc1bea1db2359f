using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AzureOrders.Infra.Tests;

/// <summary>
/// The azd hooks of azure.yaml: postprovision runs the admin tool's setup against the new Cosmos DB account,
/// postdeploy prints the API's URL and how to get a key, then smoke-tests /api/health. The sh variants run here
/// against stand-ins (a fake dotnet on PATH, a loopback HTTP listener); the pwsh variants are checked for shape.
/// </summary>
public sealed partial class HookTests(SnapshotFixture snapshot) : IClassFixture<SnapshotFixture>
{
    private static string Hooks => Path.Combine(InfraPaths.Infra, "hooks");

    [Theory]
    [InlineData("postprovision")]
    [InlineData("postdeploy")]
    public void Each_hook_has_an_sh_variant_for_linux_and_macos_and_a_pwsh_variant_for_windows(string hook)
    {
        var hooks = (YamlMappingNode)AzureYaml.Load().Children[new YamlScalarNode("hooks")];
        var config = (YamlMappingNode)hooks.Children[new YamlScalarNode(hook)];

        foreach (var (os, shell, extension) in new[] { ("posix", "sh", ".sh"), ("windows", "pwsh", ".ps1") })
        {
            var variant = (YamlMappingNode)config.Children[new YamlScalarNode(os)];
            Assert.Equal(shell, ((YamlScalarNode)variant.Children[new YamlScalarNode("shell")]).Value);
            var run = ((YamlScalarNode)variant.Children[new YamlScalarNode("run")]).Value!;
            Assert.Equal($"./infra/hooks/{hook}{extension}", run);
            Assert.True(File.Exists(Path.Combine(InfraPaths.RepoRoot, run)), $"{run} does not exist.");
        }
    }

    [BicepFact]
    public void The_hooks_read_only_outputs_of_main_bicep_mapped_parameters_and_their_own_settings()
    {
        var mapped = JsonNode.Parse(File.ReadAllText(Path.Combine(InfraPaths.Infra, "main.parameters.json")))!["parameters"]!.AsObject()
            .Select(p => Regex.Match((string)p.Value!["value"]!, @"\$\{(?<v>[A-Z0-9_]+)").Groups["v"].Value);
        var allowed = snapshot.Outputs.Select(o => o.Key).Concat(mapped).ToHashSet(StringComparer.Ordinal);

        foreach (var file in Directory.GetFiles(Hooks))
        {
            var text = File.ReadAllText(file);
            // Lines printed for the user (echo/Write-Host) show commands, not what the hook reads.
            var code = string.Join('\n', text.Split('\n').Where(l => !Regex.IsMatch(l, @"^\s*(echo|Write-Host)\b")));
            var variables = (file.EndsWith(".ps1", StringComparison.Ordinal) ? PwshVariable() : ShVariable()).Matches(code).Select(m => m.Groups["name"].Value).Distinct();
            foreach (var variable in variables.Where(v => !v.StartsWith("AZUREORDERS_", StringComparison.Ordinal)))
            {
                Assert.True(allowed.Contains(variable), $"{Path.GetFileName(file)} reads {variable}, which is neither an output of main.bicep nor a mapped parameter: azd will not have it.");
            }
        }
    }

    [Fact]
    public void The_setup_hook_uses_options_the_admin_tool_has()
    {
        var admin = string.Concat(Directory.GetFiles(Path.Combine(InfraPaths.RepoRoot, "functions", "AzureOrders.Admin"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var file in new[] { "postprovision.sh", "postprovision.ps1" })
        {
            var text = File.ReadAllText(Path.Combine(Hooks, file));
            Assert.Contains("dotnet run --project functions/AzureOrders.Admin -- setup", text);
            foreach (Match option in Regex.Matches(text, @"(?<=setup[^\n]*)\s(?<option>--[a-z-]+)"))
            {
                Assert.Contains($"\"{option.Groups["option"].Value}\"", admin);
            }
        }
    }

    [ShFact]
    public async Task Postprovision_runs_setup_against_the_provisioned_account_and_retries_while_the_role_is_not_yet_effective()
    {
        using var fake = new FakeDotnet(exitCodes: [1, 0]);

        var run = await RunShAsync("postprovision.sh", fake.Environment(new()
        {
            ["COSMOS_ENDPOINT"] = "https://cosmos-test.documents.azure.com:443/",
            ["COSMOS_DATABASE_NAME"] = "azureorders",
            ["AZUREORDERS_SETUP_RETRY_SECONDS"] = "0",
        }));

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        var calls = fake.Calls();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("run --project functions/AzureOrders.Admin -- setup --cosmos-endpoint https://cosmos-test.documents.azure.com:443/ --database azureorders", c));
    }

    [ShFact]
    public async Task Postprovision_stops_at_a_usage_error_and_skips_setup_where_the_user_has_no_data_roles()
    {
        using (var usage = new FakeDotnet(exitCodes: [2]))
        {
            var run = await RunShAsync("postprovision.sh", usage.Environment(new() { ["COSMOS_ENDPOINT"] = "https://c.documents.azure.com:443/", ["AZUREORDERS_SETUP_RETRY_SECONDS"] = "0" }));
            Assert.Equal(2, run.ExitCode);
            Assert.Single(usage.Calls());
        }

        using var skipped = new FakeDotnet(exitCodes: [0]);
        var noRoles = await RunShAsync("postprovision.sh", skipped.Environment(new() { ["COSMOS_ENDPOINT"] = "https://c.documents.azure.com:443/", ["AZURE_DEPLOYING_USER_DATA_ROLES"] = "false" }));
        Assert.Equal(0, noRoles.ExitCode);
        Assert.Empty(skipped.Calls());
        Assert.Contains("setup --cosmos-endpoint", noRoles.StdOut);
    }

    [ShFact]
    public async Task Postdeploy_prints_the_orders_url_and_the_key_command_and_passes_when_health_answers()
    {
        using var api = HealthEndpoint.Start(HttpStatusCode.OK);

        var run = await RunShAsync("postdeploy.sh", new()
        {
            ["SERVICE_API_URI"] = api.BaseUri,
            ["AZURE_FUNCTION_APP_NAME"] = "func-api-x",
            ["AZURE_RESOURCE_GROUP"] = "rg-x",
            ["AZUREORDERS_SMOKE_RETRY_SECONDS"] = "0",
        });

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains($"POST {api.BaseUri}/api/orders", run.StdOut);
        Assert.Contains("az functionapp function keys list -g rg-x -n func-api-x --function-name PlaceOrder", run.StdOut);
        Assert.True(api.HealthCalls >= 1);
    }

    [ShFact]
    public async Task Postdeploy_fails_when_health_never_answers_2xx()
    {
        using var api = HealthEndpoint.Start(HttpStatusCode.ServiceUnavailable);

        var run = await RunShAsync("postdeploy.sh", new()
        {
            ["SERVICE_API_URI"] = api.BaseUri + "/",
            ["AZUREORDERS_SMOKE_ATTEMPTS"] = "2",
            ["AZUREORDERS_SMOKE_RETRY_SECONDS"] = "0",
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(2, api.HealthCalls);
        Assert.Contains("did not answer 2xx after 2 attempts", run.StdErr);
    }

    [Fact]
    public void The_postdeploy_hook_calls_the_health_route_and_names_the_function_of_the_orders_route()
    {
        var health = File.ReadAllText(Path.Combine(InfraPaths.RepoRoot, "functions", "AzureOrders.Functions", "HealthFunction.cs"));
        var orders = File.ReadAllText(Path.Combine(InfraPaths.RepoRoot, "functions", "AzureOrders.Functions", "Http", "OrdersHttpFunctions.cs"));
        Assert.Contains("Route = \"health\"", health);
        Assert.Contains("AuthorizationLevel.Anonymous", health);
        Assert.Contains("[Function(\"PlaceOrder\")]", orders);
        Assert.Contains("Route = \"orders\"", orders);
    }

    private static async Task<ProcessResult> RunShAsync(string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(Path.Combine(Hooks, script));
        foreach (var key in new[] { "COSMOS_ENDPOINT", "COSMOS_DATABASE_NAME", "SERVICE_API_URI", "AZURE_DEPLOYING_USER_DATA_ROLES" })
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A `dotnet` first on PATH that records its arguments and exits with the next code of the list.</summary>
    private sealed class FakeDotnet : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("azureorders-fake-dotnet-");

        public FakeDotnet(int[] exitCodes)
        {
            File.WriteAllText(Path.Combine(_directory.FullName, "codes"), string.Join('\n', exitCodes) + "\n");
            var script = Path.Combine(_directory.FullName, "dotnet");
            File.WriteAllText(script, $$"""
                #!/bin/sh
                dir='{{_directory.FullName}}'
                echo "$*" >> "$dir/calls"
                code=$(head -n 1 "$dir/codes")
                tail -n +2 "$dir/codes" > "$dir/codes.next" && mv "$dir/codes.next" "$dir/codes"
                exit "${code:-0}"
                """.ReplaceLineEndings("\n"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public Dictionary<string, string> Environment(Dictionary<string, string> values)
        {
            values["PATH"] = _directory.FullName + ":" + System.Environment.GetEnvironmentVariable("PATH");
            return values;
        }

        public List<string> Calls()
        {
            var path = Path.Combine(_directory.FullName, "calls");
            return File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
        }

        public void Dispose() => _directory.Delete(recursive: true);
    }

    /// <summary>/api/health on a free loopback port, answering with a fixed status.</summary>
    private sealed class HealthEndpoint : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _healthCalls;

        private HealthEndpoint(HttpStatusCode status)
        {
            var port = FreePort();
            BaseUri = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(BaseUri + "/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception) when (!_listener.IsListening)
                    {
                        return;
                    }

                    var isHealth = context.Request.Url?.AbsolutePath == "/api/health";
                    if (isHealth)
                    {
                        Interlocked.Increment(ref _healthCalls);
                    }

                    context.Response.StatusCode = (int)(isHealth ? status : HttpStatusCode.NotFound);
                    context.Response.Close();
                }
            });
        }

        public string BaseUri { get; }

        public int HealthCalls => Volatile.Read(ref _healthCalls);

        public static HealthEndpoint Start(HttpStatusCode status) => new(status);

        public void Dispose() => _listener.Close();

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }

    [GeneratedRegex(@"\$\{?(?<name>[A-Z][A-Z0-9_]+)")]
    private static partial Regex ShVariable();

    [GeneratedRegex(@"\$env:(?<name>[A-Z][A-Z0-9_]+)")]
    private static partial Regex PwshVariable();
}

/// <summary>A fact that needs a POSIX sh and curl (the Linux/macOS hooks); skipped on Windows.</summary>
public sealed class ShFactAttribute : FactAttribute
{
    public ShFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "The sh hooks run on Linux and macOS; Windows uses the pwsh variants.";
        }
    }
}

using System.Reflection;
using AzureOrders.Admin;
using static AzureOrders.Admin.Tests.CliRunner;

namespace AzureOrders.Admin.Tests;

/// <summary>Parsing, help and version: nothing here connects anywhere (the addresses given would fail if anything tried).</summary>
public sealed class ArgumentTests
{
    private const string Unreachable = "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b";
    private const string UnreachableCosmos = "AccountEndpoint=https://127.0.0.1:1/;AccountKey=C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==;";

    [Theory]
    [InlineData("no Service Bus: give --connection-string", "list")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate", "--connection-string", Unreachable)]
    [InlineData("Required command was not provided", new string[0])]
    [InlineData("--entity: 'orders/nope' is not a subscription or queue of the topology; use one of: ", "show", "--entity", "orders/nope", "--connection-string", Unreachable)]
    [InlineData("--since takes an ISO-8601 time (2026-11-26T14:00:00Z) or an age (30m, 2h, 7d), not 'yesterday-ish'", "show", "--since", "yesterday-ish", "--connection-string", Unreachable)]
    [InlineData("Unrecognized command or argument '--dry-run'", "list", "--dry-run", "--connection-string", Unreachable)]
    [InlineData("--max must be a positive integer, not '0'", "show", "--max", "0", "--connection-string", Unreachable)]
    [InlineData("--max must be a positive integer, not 'ten'", "purge", "--max", "ten", "--connection-string", Unreachable)]
    [InlineData("give --connection-string or --namespace, not both", "list", "--namespace", "contoso", "--connection-string", Unreachable)]
    [InlineData("the Service Bus connection string (--connection-string) is not valid", "list", "--connection-string", "not-a-connection-string")]
    [InlineData("File does not exist: 'no-such-topology.json'", "list", "--topology", "no-such-topology.json", "--connection-string", Unreachable)]
    [InlineData("no Cosmos DB: give --cosmos-endpoint", "setup")]
    [InlineData("--cosmos-endpoint takes an http(s) URL such as https://contoso.documents.azure.com:443/, not 'contoso'", "setup", "--cosmos-endpoint", "contoso")]
    [InlineData("give --cosmos-endpoint or --cosmos-connection-string, not both", "setup", "--cosmos-endpoint", "https://contoso.documents.azure.com:443/", "--cosmos-connection-string", UnreachableCosmos)]
    [InlineData("the Cosmos DB connection string (--cosmos-connection-string) is not valid", "setup", "--cosmos-connection-string", "AccountKey=abc;")]
    [InlineData("File does not exist: 'no-such-catalog.json'", "setup", "--catalog", "no-such-catalog.json", "--cosmos-connection-string", UnreachableCosmos)]
    [InlineData("Unrecognized command or argument '--entity'", "setup", "--entity", "orders/notifications", "--cosmos-connection-string", UnreachableCosmos)]
    public async Task Wrong_arguments_exit_2_with_a_clear_message_and_a_pointer_to_help_before_connecting(string expected, params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains(expected, run.Error);
        var command = args.Length > 0 && !args[0].StartsWith('-') && args[0] != "frobnicate" ? $"azureorders {args[0]}" : "azureorders";
        Assert.Equal($"Run '{command} --help' for usage.", run.ErrorLines[^1]);
    }

    [Fact]
    public async Task A_catalog_file_that_is_not_a_catalog_is_a_usage_error_naming_the_problem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "products": [ { "sku": "A-1", "name": "A", "priceInCents": 100, "stock": 5 } ] }""");
        try
        {
            var run = await RunAsync("setup", "--catalog", file, "--cosmos-connection-string", UnreachableCosmos);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("--catalog: ", run.Error);
            Assert.Contains("stock", run.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Root_help_lists_every_command_the_environment_defaults_and_the_exit_codes()
    {
        var run = await RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("azureorders [command] [options]", run.Out);
        foreach (var command in new[] { "setup", "list", "show", "resubmit", "export", "purge" })
            Assert.Matches($@"\n  {command}\s+\S", run.Out);
        Assert.Contains("SERVICEBUS_FULLY_QUALIFIED_NAMESPACE", run.Out);
        Assert.Contains("COSMOS_ENDPOINT", run.Out);
        Assert.Contains(".azure/<AZURE_ENV_NAME", run.Out);
        AssertExitCodes(run.Out);
    }

    [Theory]
    [InlineData("setup", "--cosmos-endpoint", "--cosmos-connection-string", "--database", "--catalog", "--reset-stock", "--json")]
    [InlineData("list", "--connection-string", "--namespace", "--entity", "--reason", "--since", "--max", "--json")]
    [InlineData("show", "--connection-string", "--namespace", "--entity", "--event-type", "--message-id", "--until", "--max", "--json")]
    [InlineData("resubmit", "--connection-string", "--entity", "--dry-run", "--yes")]
    [InlineData("export", "--connection-string", "--entity", "--output")]
    [InlineData("purge", "--connection-string", "--entity", "--dry-run", "--yes")]
    public async Task Each_command_has_its_own_help_with_its_options_and_the_exit_codes(string command, params string[] options)
    {
        var run = await RunAsync(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"azureorders {command} [options]", run.Out);
        foreach (var option in options) Assert.Matches($@"\n  (-\w, )?{option}\b", run.Out);
        AssertExitCodes(run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Help_wins_over_errors_in_the_same_command_line()
    {
        var run = await RunAsync("show", "--max", "0", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("azureorders show [options]", run.Out);
    }

    [Fact]
    public async Task Version_prints_the_tool_version()
    {
        var run = await RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        var expected = typeof(AdminCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, run.Out.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", expected);
    }

    private static void AssertExitCodes(string help)
    {
        Assert.Contains("Exit codes:", help);
        Assert.Matches(@"\n  0\s+ok", help);
        Assert.Matches(@"\n  1\s+the operation failed", help);
        Assert.Matches(@"\n  2\s+wrong arguments", help);
        Assert.Matches(@"\n  3\s+a confirmation was refused", help);
    }
}

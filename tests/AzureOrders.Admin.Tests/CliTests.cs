using AzureOrders.Admin;
using AzureOrders.Messaging;

namespace AzureOrders.Admin.Tests;

/// <summary>The CLI's entry method run in process: arguments in, captured output and exit code out.</summary>
public sealed class CliTests
{
    private sealed record Run(int ExitCode, string Out, string Error);

    private static async Task<Run> RunAsync(string input, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(new StringReader(input), stdout, stderr, _ => null, TimeProvider.System);
        var exitCode = await DeadLetterCli.RunAsync(args, console);
        return new Run(exitCode, stdout.ToString(), stderr.ToString());
    }

    private static async Task<TestBroker> BrokerWithDeadLettersAsync()
    {
        var broker = await TestBroker.StartAsync();
        foreach (var (orderId, reason) in new[] { ("ord_cli_1", "SchemaValidationFailed"), ("ord_cli_2", "MaxDeliveryCountExceeded") })
        {
            await broker.PublishAsync(TestEvents.OrderPlaced(orderId));
            await broker.DeadLetterNextAsync("orders/notifications", reason, "test");
        }
        await broker.PublishAsync(TestEvents.ReserveInventory("ord_cli_3"));
        await broker.DeadLetterNextAsync("inventory-commands", "InvariantViolated", "test");
        return broker;
    }

    [Fact]
    public async Task List_prints_a_row_per_entity_with_counts_and_reasons_and_exits_0()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("", "list", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith("ENTITY", lines[0]);
        var notifications = Assert.Single(lines, l => l.StartsWith("orders/notifications ", StringComparison.Ordinal));
        Assert.Matches(@"^orders/notifications\s+notifications\s+2\s+MaxDeliveryCountExceeded 1, SchemaValidationFailed 1\s+\d+s ago$", notifications);
        Assert.Matches(@"^inventory-commands\s+inventory\s+1\s+InvariantViolated 1", Assert.Single(lines, l => l.StartsWith("inventory-commands ", StringComparison.Ordinal)));
        Assert.Matches(@"^orders/saga\s+saga\s+0", Assert.Single(lines, l => l.StartsWith("orders/saga ", StringComparison.Ordinal)));
        Assert.Contains($"3 dead-lettered message(s) in 2 of {Topology.Default.Endpoints.Count} entities.", run.Out);
    }

    [Fact]
    public async Task Resubmit_dry_run_prints_one_audit_line_per_message_and_leaves_the_dead_letter_queue_unchanged()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("", "resubmit", "--dry-run", "--entity", "orders/notifications", "--reason", "MaxDeliveryCountExceeded", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        var audit = Assert.Single(run.Out.Split('\n'), l => l.Contains(" resubmit ", StringComparison.Ordinal));
        Assert.Contains("entity=orders/notifications", audit);
        Assert.Contains("eventType=order.placed.v1", audit);
        Assert.Contains("reason=MaxDeliveryCountExceeded", audit);
        Assert.Contains("outcome=would-resubmit", audit);
        Assert.Contains("Dry run: nothing changed.", run.Out);
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications", deadLetter: true)).Count);
        Assert.Empty(await broker.PeekAsync("orders/notifications"));
    }

    [Fact]
    public async Task Show_prints_reason_description_and_the_body_indented()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("", "show", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("== inventory-commands  seq ", run.Out);
        Assert.Matches(@"\n  reason\s+InvariantViolated", run.Out);
        Assert.Matches(@"\n  eventType\s+inventory.reserve.v1", run.Out);
        Assert.Contains("      \"orderId\": \"ord_cli_3\"", run.Out);
        Assert.Contains("1 message(s).", run.Out);
    }

    [Fact]
    public async Task Purge_asks_first_and_deletes_nothing_unless_confirmed()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var declined = await RunAsync("no\n", "purge", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);
        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("Delete 1 dead-lettered message(s) from inventory-commands (1)?", declined.Out);
        Assert.Contains("nothing was deleted", declined.Error);
        Assert.Single(await broker.PeekAsync("inventory-commands", deadLetter: true));

        var confirmed = await RunAsync("yes\n", "purge", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);
        Assert.Equal(0, confirmed.ExitCode);
        Assert.Contains("outcome=purged", confirmed.Out);
        Assert.Empty(await broker.PeekAsync("inventory-commands", deadLetter: true));
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications", deadLetter: true)).Count);
    }

    [Fact]
    public async Task An_unreachable_namespace_exits_1_with_a_one_line_error()
    {
        var run = await RunAsync("", "list", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: Service Bus (ServiceCommunicationProblem): ", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("list")] // no connection
    [InlineData("frobnicate", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b")]
    [InlineData("show", "--entity", "orders/nope", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b")]
    [InlineData("show", "--since", "yesterday-ish", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b")]
    [InlineData("list", "--dry-run", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b")]
    [InlineData("show", "--max", "0", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b")]
    public async Task Wrong_arguments_exit_2_with_a_message_before_connecting(params string[] args)
    {
        var run = await RunAsync("", args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains("--help", run.Error);
    }
}

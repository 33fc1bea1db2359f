using System.Text.Json;
using AzureOrders.Messaging;
using static AzureOrders.Admin.Tests.CliRunner;

namespace AzureOrders.Admin.Tests;

/// <summary>The dead-letter commands run in process against the embedded Service Bus emulator.</summary>
public sealed class CliTests
{
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

        var run = await RunAsync("list", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        var lines = run.OutLines;
        Assert.StartsWith("ENTITY", lines[0]);
        var notifications = Assert.Single(lines, l => l.StartsWith("orders/notifications ", StringComparison.Ordinal));
        Assert.Matches(@"^orders/notifications\s+notifications\s+2\s+MaxDeliveryCountExceeded 1, SchemaValidationFailed 1\s+\d+s ago$", notifications);
        Assert.Matches(@"^inventory-commands\s+inventory\s+1\s+InvariantViolated 1", Assert.Single(lines, l => l.StartsWith("inventory-commands ", StringComparison.Ordinal)));
        Assert.Matches(@"^orders/saga\s+saga\s+0", Assert.Single(lines, l => l.StartsWith("orders/saga ", StringComparison.Ordinal)));
        Assert.Contains($"3 dead-lettered message(s) in 2 of {Topology.Default.Endpoints.Count} entities.", run.Out);
    }

    [Fact]
    public async Task List_json_is_one_document_with_the_total_and_every_entity()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("list", "--json", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out); // stdout is the document and nothing else
        Assert.Equal(3, json.RootElement.GetProperty("total").GetInt32());
        var entities = json.RootElement.GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(Topology.Default.Endpoints.Count, entities.Count);
        var notifications = Assert.Single(entities, e => e.GetProperty("entity").GetString() == "orders/notifications");
        Assert.Equal("notifications", notifications.GetProperty("consumer").GetString());
        Assert.Equal("orders/subscriptions/notifications", notifications.GetProperty("path").GetString(), ignoreCase: true);
        Assert.Equal(2, notifications.GetProperty("count").GetInt32());
        Assert.Equal(1, notifications.GetProperty("byReason").GetProperty("SchemaValidationFailed").GetInt32());
        Assert.Equal(1, notifications.GetProperty("byReason").GetProperty("MaxDeliveryCountExceeded").GetInt32());
        Assert.True(notifications.GetProperty("oldest").GetDateTimeOffset() <= notifications.GetProperty("newest").GetDateTimeOffset());
        var saga = Assert.Single(entities, e => e.GetProperty("entity").GetString() == "orders/saga");
        Assert.Equal(0, saga.GetProperty("count").GetInt32());
        Assert.False(saga.TryGetProperty("oldest", out _));
    }

    [Fact]
    public async Task Show_prints_reason_description_and_the_body_indented()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("show", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("== inventory-commands  seq ", run.Out);
        Assert.Matches(@"\n  reason\s+InvariantViolated", run.Out);
        Assert.Matches(@"\n  eventType\s+inventory.reserve.v1", run.Out);
        Assert.Contains("      \"orderId\": \"ord_cli_3\"", run.Out);
        Assert.Contains("1 message(s).", run.Out);
    }

    [Fact]
    public async Task Show_json_has_each_message_with_its_metadata_and_parsed_body()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("show", "--json", "--entity", "orders/notifications", "--max", "5", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("count").GetInt32());
        Assert.Equal(5, root.GetProperty("max").GetInt32());
        Assert.False(root.GetProperty("mayHaveMore").GetBoolean());
        var messages = root.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["MaxDeliveryCountExceeded", "SchemaValidationFailed"], messages.Select(m => m.GetProperty("reason").GetString()).Order());
        var first = messages.Single(m => m.GetProperty("reason").GetString() == "SchemaValidationFailed");
        Assert.Equal("orders/notifications", first.GetProperty("entity").GetString());
        Assert.Equal("order.placed.v1", first.GetProperty("eventType").GetString());
        Assert.Equal("test", first.GetProperty("description").GetString());
        Assert.True(first.GetProperty("sequenceNumber").GetInt64() >= 0);
        Assert.Equal(first.GetProperty("eventId").GetString(), first.GetProperty("messageId").GetString()); // MessageId = eventId
        Assert.Equal("ord_cli_1", first.GetProperty("body").GetProperty("payload").GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task Show_json_says_when_there_may_be_more_than_max()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("show", "--json", "--max", "1", "--connection-string", broker.ConnectionString);

        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(1, json.RootElement.GetProperty("count").GetInt32());
        Assert.True(json.RootElement.GetProperty("mayHaveMore").GetBoolean());
    }

    [Fact]
    public async Task Export_writes_json_lines_to_the_file_and_the_count_to_stderr()
    {
        await using var broker = await BrokerWithDeadLettersAsync();
        var file = Path.Combine(Path.GetTempPath(), $"dlq-{Guid.NewGuid():N}.jsonl");
        try
        {
            var run = await RunAsync("export", "--entity", "orders/notifications", "--output", file, "--connection-string", broker.ConnectionString);

            Assert.Equal(0, run.ExitCode);
            Assert.Equal("", run.Out);
            Assert.Contains($"Exported 2 message(s) to {file}.", run.Error);
            var lines = File.ReadAllLines(file);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, l => Assert.Equal("order.placed.v1", JsonDocument.Parse(l).RootElement.GetProperty("eventType").GetString()));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Resubmit_dry_run_prints_one_audit_line_per_message_and_leaves_the_dead_letter_queue_unchanged()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("resubmit", "--dry-run", "--entity", "orders/notifications", "--reason", "MaxDeliveryCountExceeded", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        var audit = Assert.Single(run.OutLines, l => l.Contains(" resubmit ", StringComparison.Ordinal));
        Assert.Contains("entity=orders/notifications", audit);
        Assert.Contains("eventType=order.placed.v1", audit);
        Assert.Contains("reason=MaxDeliveryCountExceeded", audit);
        Assert.Contains("outcome=would-resubmit", audit);
        Assert.Contains("Dry run: nothing changed.", run.Out);
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications", deadLetter: true)).Count);
        Assert.Empty(await broker.PeekAsync("orders/notifications"));
    }

    [Theory]
    [InlineData("no\n")]
    [InlineData("")] // stdin closed, as in a script: refused, not taken as yes
    public async Task Resubmit_without_a_filter_asks_and_a_refusal_exits_3_and_resubmits_nothing(string answer)
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync(new Options { Input = answer }, "resubmit", "--connection-string", broker.ConnectionString);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("No filter given: resubmit all 3 dead-lettered message(s) from orders/notifications (2), inventory-commands (1) to their consumers?", run.Error);
        Assert.Contains("nothing was resubmitted", run.Error);
        Assert.DoesNotContain("outcome=", run.Out);
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications", deadLetter: true)).Count);
        Assert.Single(await broker.PeekAsync("inventory-commands", deadLetter: true));
        Assert.Empty(await broker.PeekAsync("orders/notifications"));
        Assert.Empty(await broker.PeekAsync("inventory-commands"));
    }

    [Fact]
    public async Task Resubmit_without_a_filter_and_with_yes_sends_every_message_back_to_its_consumer()
    {
        await using var broker = await BrokerWithDeadLettersAsync();
        var sagaBefore = (await broker.PeekAsync("orders/saga")).Count;

        var run = await RunAsync("resubmit", "--yes", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("Type 'yes'", run.Error);
        Assert.Equal(3, run.OutLines.Count(l => l.Contains("outcome=resubmitted", StringComparison.Ordinal)));
        Assert.Contains("3 message(s) resubmitted, 0 failed.", run.Out);
        Assert.Empty(await broker.PeekAsync("orders/notifications", deadLetter: true));
        Assert.Empty(await broker.PeekAsync("inventory-commands", deadLetter: true));
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications")).Count);
        Assert.Single(await broker.PeekAsync("inventory-commands"));
        Assert.Equal(sagaBefore, (await broker.PeekAsync("orders/saga")).Count); // only the original consumer gets the copy
    }

    [Fact]
    public async Task Resubmit_with_a_filter_does_not_ask()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("resubmit", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("Type 'yes'", run.Error);
        Assert.Contains("1 message(s) resubmitted, 0 failed.", run.Out);
        Assert.Single(await broker.PeekAsync("inventory-commands"));
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications", deadLetter: true)).Count);
    }

    [Fact]
    public async Task Purge_asks_first_exits_3_and_deletes_nothing_unless_confirmed()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var declined = await RunAsync(new Options { Input = "no\n" }, "purge", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);
        Assert.Equal(3, declined.ExitCode);
        Assert.Contains("Delete 1 dead-lettered message(s) from inventory-commands (1)?", declined.Error);
        Assert.Contains("nothing was deleted", declined.Error);
        Assert.Single(await broker.PeekAsync("inventory-commands", deadLetter: true));

        var confirmed = await RunAsync(new Options { Input = "yes\n" }, "purge", "--entity", "inventory-commands", "--connection-string", broker.ConnectionString);
        Assert.Equal(0, confirmed.ExitCode);
        Assert.Contains("outcome=purged", confirmed.Out);
        Assert.Empty(await broker.PeekAsync("inventory-commands", deadLetter: true));
        Assert.Equal(2, (await broker.PeekAsync("orders/notifications", deadLetter: true)).Count);
    }

    [Fact]
    public async Task The_connection_string_can_come_from_the_environment_and_the_tool_says_so()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync(new Options { Environment = new Dictionary<string, string> { ["AZUREORDERS_SERVICEBUS_CONNECTION"] = broker.ConnectionString } },
            "list", "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(3, JsonDocument.Parse(run.Out).RootElement.GetProperty("total").GetInt32());
        Assert.Matches(@"^Service Bus 127\.0\.0\.1:\d+ \(from \$AZUREORDERS_SERVICEBUS_CONNECTION\)$", run.ErrorLines[0]);
        Assert.DoesNotContain("SharedAccessKey", run.Error);
    }

    [Fact]
    public async Task A_long_read_of_a_large_dead_letter_queue_prints_the_count_read_so_far_on_stderr()
    {
        await using var broker = await TestBroker.StartAsync();
        const int Total = 1_000;
        await broker.DeadLetterManyAsync("payment-commands", Total, "MaxDeliveryCountExceeded");

        var run = await RunAsync("list", "--json", "--entity", "payment-commands", "--connection-string", broker.ConnectionString);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Out); // progress never mixes into stdout
        Assert.Equal(Total, json.RootElement.GetProperty("total").GetInt32());
        var progress = run.ErrorLines.Where(l => l.StartsWith("reading dead-letter queues: ", StringComparison.Ordinal)).ToList();
        Assert.True(progress.Count >= 3, $"progress lines: {string.Join(" | ", progress)}");
        var counts = progress.Select(l => int.Parse(l.Split(' ')[3].Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(counts.Order(), counts); // running totals
        Assert.Equal(Total, counts[^1]);
        Assert.Contains("(payment-commands: 1,000)", progress[^1]);
    }

    [Fact]
    public async Task A_small_read_prints_no_progress()
    {
        await using var broker = await BrokerWithDeadLettersAsync();

        var run = await RunAsync("list", "--connection-string", broker.ConnectionString);

        Assert.DoesNotContain("reading dead-letter queues", run.Error);
    }

    [Fact]
    public async Task An_unreachable_namespace_exits_1_with_a_one_line_error()
    {
        var run = await RunAsync("list", "--connection-string", "Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: Service Bus (ServiceCommunicationProblem): ", run.Error);
        Assert.Single(run.ErrorLines);
    }
}

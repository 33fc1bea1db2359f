using System.Net;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using AzureOrders.LocalHost.OperatorConsole;
using AzureOrders.Orders.Saga;
using Xunit.Abstractions;

namespace AzureOrders.Console.Tests;

/// <summary>The operator console in a real browser against the whole local system.</summary>
public sealed class ConsoleScenarioTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    private const string InventoryCommands = "inventory-commands";
    private static readonly string ArtifactDirectory = Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task A_held_back_reservation_repaired_and_resubmitted_in_the_console_lets_the_order_reach_CONFIRMED_on_its_page()
    {
        var orderId = $"ord_console_{Guid.NewGuid():N}";
        // The saga's reserve command has a deterministic id: a broken copy sent first under that id is dead-lettered,
        // and the broker's duplicate detection then drops the real command. Only the repair can move the order on.
        var eventId = SagaCommandIds.For(orderId, SagaCommandSteps.ReserveInventory);
        await fixture.SendAsync(InventoryCommands, ReserveBody(eventId, Guid.NewGuid(), orderId, "\"two\""), eventId.ToString(), "inventory.reserve.v1");
        var correlationId = await fixture.PlaceAsync(orderId);

        var page = await fixture.OpenAsync();
        await ShowMessageAsync(page, InventoryCommands, eventId.ToString());
        await Assertions.Expect(page.Locator("#m-facts")).ToContainTextAsync("SchemaValidationFailed");
        await Assertions.Expect(page.Locator("#m-dlq")).ToContainTextAsync("dlq-handler");
        await Screenshot(page, "dead-letter-message");

        // A repair that is still wrong is refused with the schema's words, and nothing is sent.
        await page.FillAsync("#m-edit", ReserveBody(eventId, correlationId, orderId, "0"));
        await page.ClickAsync("#m-resubmit-edited");
        await Assertions.Expect(page.Locator("#m-errors")).ToContainTextAsync("payload");

        // Meanwhile the order waits for Inventory: the real command never got through.
        await page.ClickAsync("#m-order");
        await Assertions.Expect(page.Locator("#o-saga")).ToContainTextAsync(SagaSteps.AwaitingInventory);
        await Assertions.Expect(page.Locator("#o-status")).Not.ToHaveTextAsync("CONFIRMED");
        await Assertions.Expect(page.Locator("#o-deadletters")).ToContainTextAsync("SchemaValidationFailed");
        await page.ClickAsync("#o-deadletters a");

        await page.FillAsync("#m-edit", ReserveBody(eventId, correlationId, orderId, "2"));
        await page.ClickAsync("#m-resubmit-edited");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("resubmitted");

        await page.GotoAsync(new Uri(fixture.Origin, $"/console/#/order/{orderId}").ToString());
        await Assertions.Expect(page.Locator("#o-status")).ToHaveTextAsync("CONFIRMED", new() { Timeout = 45_000 });
        await Assertions.Expect(page.Locator("#o-timeline")).ToContainTextAsync("inventory.reserved.v1");
        await Assertions.Expect(page.Locator("#o-saga")).ToContainTextAsync("Completed");
        await Assertions.Expect(page.Locator("#o-deadletters")).ToContainTextAsync("none");
        await Screenshot(page, "order");
    }

    [Fact]
    public async Task Markup_in_a_dead_lettered_body_is_shown_as_text_and_runs_nothing()
    {
        const string payload = "<img src=x onerror=window.__xss=1><script>window.__xss=1</script>";
        var asJson = Guid.NewGuid();
        var asText = Guid.NewGuid();
        var escaped = payload.Replace("<", "\\u003c", StringComparison.Ordinal);
        await fixture.SendAsync(InventoryCommands, ReserveBody(asJson, Guid.NewGuid(), "<img src=x onerror=window.__xss=1>", "1", sku: "<script>window.__xss=1</script>"),
            asJson.ToString(), "inventory.reserve.v1");
        await fixture.SendAsync(InventoryCommands, payload, asText.ToString(), "inventory.reserve.v1");

        var page = await fixture.OpenAsync();
        foreach (var id in new[] { asJson, asText })
        {
            await ShowMessageAsync(page, InventoryCommands, id.ToString());
            await Assertions.Expect(page.Locator("#m-body")).ToContainTextAsync(id == asText ? payload : "<img src=x onerror=window.__xss=1>");
            Assert.Equal(0, await page.Locator("#dl-message img, #dl-message script").CountAsync());
        }
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"), "markup from a message ran");
        Assert.DoesNotContain(escaped, await page.Locator("#m-body").TextContentAsync() ?? "");
    }

    [Fact]
    public async Task A_write_without_the_console_token_or_from_another_origin_is_refused_with_403()
    {
        var token = await fixture.TokenAsync();
        var url = "/console/api/deadletters/resubmit?entity=payment-commands&dryRun=true";

        Assert.Equal(HttpStatusCode.Forbidden, (await Post(url, origin: fixture.Origin.ToString().TrimEnd('/'), token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(url, origin: "http://evil.example", token: token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(url, origin: null, token: token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(url, origin: fixture.Origin.ToString().TrimEnd('/'), token: token + "x")).StatusCode);
        // The same request with both is accepted: the refusals above were the guard's, not a broken route.
        Assert.Equal(HttpStatusCode.OK, (await Post(url, origin: fixture.Origin.ToString().TrimEnd('/'), token: token)).StatusCode);
    }

    [Fact]
    public async Task Bulk_resubmit_of_a_filtered_set_shows_the_count_and_sends_only_after_confirmation()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var id in ids)
            await fixture.SendAsync("payment-commands", $$"""{"eventId":"{{id}}","eventType":"payment.capture.v1","timestamp":"2026-01-01T00:00:00Z","correlationId":"{{Guid.NewGuid()}}","payload":{"orderId":"ord_bulk"} }""",
                id.ToString(), "payment.capture.v1");

        var page = await fixture.OpenAsync();
        await Assertions.Expect(page.Locator("#dl-counts tr[data-entity='payment-commands']")).ToContainTextAsync("SchemaValidationFailed: 2", new() { Timeout = 30_000 });
        await page.SelectOptionAsync("#f-entity", "payment-commands");
        await page.FillAsync("#f-reason", "SchemaValidationFailed");

        await page.ClickAsync("#f-bulk");
        await Assertions.Expect(page.Locator("#confirm")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#c-text")).ToContainTextAsync("Resubmit 2 message(s) from payment-commands");
        await Screenshot(page, "bulk-confirmation");
        await page.ClickAsync("#c-no");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("nothing was sent");

        await page.ClickAsync("#f-bulk");
        await page.ClickAsync("#c-yes");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Resubmitted 2 of 2");
    }

    [Fact]
    public async Task The_dead_letter_page_has_no_serious_or_critical_accessibility_violation()
    {
        var page = await fixture.OpenAsync();
        await Assertions.Expect(page.Locator("#dl-counts tbody tr").First).ToBeVisibleAsync();
        await Screenshot(page, "dead-letters");

        var result = await page.RunAxe();

        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var v in result.Violations) output.WriteLine($"{v.Impact} {v.Id}: {v.Help} ({v.Nodes.Length} nodes)");
        Assert.Empty(bad.Select(v => $"{v.Impact} {v.Id}: {v.Help}"));
    }

    [Fact]
    public async Task The_page_sends_its_writes_with_the_token_header_the_server_requires()
    {
        // The page and the server agree on one header name; a rename on one side would break every write silently.
        var script = await fixture.Http.GetStringAsync("/console/console.js");
        Assert.Contains($"'{ConsoleEndpoints.TokenHeader}'", script, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> Post(string url, string? origin, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("", Encoding.UTF8, "application/json") };
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (token is not null) request.Headers.Add(ConsoleEndpoints.TokenHeader, token);
        return await fixture.Http.SendAsync(request);
    }

    /// <summary>Filters the list by endpoint and opens the message, waiting for the consumer to dead-letter it.</summary>
    private static async Task ShowMessageAsync(IPage page, string entity, string messageId)
    {
        await page.GotoAsync(page.Url.Split('#')[0] + "#/deadletters");
        await Assertions.Expect(page.Locator($"#f-entity option[value='{entity}']")).ToBeAttachedAsync();
        await page.SelectOptionAsync("#f-entity", entity);
        await page.FillAsync("#f-reason", "");
        await page.FillAsync("#f-eventType", "");
        var row = page.Locator("#dl-list tbody tr", new() { HasText = messageId });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await page.ClickAsync("#f-show");
            await Assertions.Expect(page.Locator("#dl-list")).ToBeVisibleAsync();
            // The list is replaced per click; wait for this answer before counting rows.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            if (await row.CountAsync() > 0) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{messageId} did not reach the dead-letter queue of {entity}");
            await Task.Delay(250);
        }
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#dl-message")).ToBeVisibleAsync();
    }

    private static string ReserveBody(Guid eventId, Guid correlationId, string orderId, string quantity, string sku = "WIDGET-001") =>
        $$"""
        {
          "eventId": "{{eventId}}",
          "eventType": "inventory.reserve.v1",
          "timestamp": "{{DateTimeOffset.UtcNow:O}}",
          "correlationId": "{{correlationId}}",
          "source": "saga",
          "payload": { "orderId": {{System.Text.Json.JsonSerializer.Serialize(orderId)}}, "items": [ { "sku": {{System.Text.Json.JsonSerializer.Serialize(sku)}}, "quantity": {{quantity}} } ] }
        }
        """;

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactDirectory, $"console-{name}.png"), FullPage = true });
    }
}

using System.Text;
using System.Text.Json;

namespace AzureOrders.Admin.Tests;

/// <summary>The answers behind the Function App's ops/deadletters endpoints.</summary>
public sealed class ApiTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoQuery = new Dictionary<string, string?>();

    [Fact]
    public async Task The_ops_api_lists_exports_ndjson_refuses_an_unconfirmed_purge_and_an_unknown_entity_and_reports_every_audit_line()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.PublishAsync(TestEvents.ReserveInventory("ord_api_1"));
        await broker.DeadLetterNextAsync("inventory-commands", "InvariantViolated", "test");
        var audited = new List<AuditLine>();
        var api = new DeadLetterApi(broker.Explorer(), TimeProvider.System, audited.Add);

        var list = await api.ListAsync(NoQuery, CancellationToken.None);
        var export = await api.ExportAsync("inventory-commands", NoQuery, CancellationToken.None);
        var unconfirmed = await api.PurgeAsync("inventory-commands", NoQuery, CancellationToken.None);
        var unknown = await api.ShowAsync("orders~nope", NoQuery, CancellationToken.None);
        var badTime = await api.ShowAsync("inventory-commands", new Dictionary<string, string?> { ["since"] = "soon" }, CancellationToken.None);
        var dryRun = await api.ResubmitAsync("inventory-commands", new Dictionary<string, string?> { ["dryRun"] = "true" }, CancellationToken.None);

        Assert.Equal(200, list.StatusCode);
        using (var listed = JsonDocument.Parse(list.Body)) Assert.Equal(1, listed.RootElement.GetProperty("total").GetInt32());
        Assert.Equal((200, "application/x-ndjson"), (export.StatusCode, export.ContentType));
        using (var line = JsonDocument.Parse(Encoding.UTF8.GetString(export.Body).Trim()))
            Assert.Equal("ord_api_1", line.RootElement.GetProperty("body").GetProperty("payload").GetProperty("orderId").GetString());
        Assert.Equal((400, "application/problem+json"), (unconfirmed.StatusCode, unconfirmed.ContentType));
        Assert.Equal(404, unknown.StatusCode);
        Assert.Equal(400, badTime.StatusCode);
        using (var audit = JsonDocument.Parse(dryRun.Body))
        {
            Assert.True(audit.RootElement.GetProperty("dryRun").GetBoolean());
            Assert.Equal("would-resubmit", audit.RootElement.GetProperty("audit")[0].GetProperty("outcome").GetString());
        }
        Assert.Single(await broker.PeekAsync("inventory-commands", deadLetter: true));

        var purged = await api.PurgeAsync("inventory-commands", new Dictionary<string, string?> { ["confirm"] = "true" }, CancellationToken.None);
        Assert.Equal(200, purged.StatusCode);
        Assert.Empty(await broker.PeekAsync("inventory-commands", deadLetter: true));
        Assert.Equal([AuditOutcome.WouldResubmit, AuditOutcome.Purged], audited.Select(l => l.Outcome));
    }
}

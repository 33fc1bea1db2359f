using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.Admin.Tests;

public sealed class ExplorerTests
{
    private const string Notifications = "orders/notifications";

    /// <summary>Publishes order.placed to the orders topic, dead-letters the notifications copy, drains the other subscribers.</summary>
    private static async Task DeadLetterOrderPlacedAsync(TestBroker broker, string orderId, string reason, string description)
    {
        await broker.PublishAsync(TestEvents.OrderPlaced(orderId));
        await broker.DeadLetterNextAsync(Notifications, reason, description, new Dictionary<string, object>
        {
            [DeadLetterProperties.Handler] = "notifications/notifications.order",
            [DeadLetterProperties.EventType] = "order.placed.v1",
        });
        await broker.DrainAsync("orders/saga");
        await broker.DrainAsync("orders/order-views");
    }

    [Fact]
    public async Task List_counts_dead_letters_per_entity_by_reason_and_shows_empty_entities_as_zero()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_list_1", "SchemaValidationFailed", "payload: items[0].quantity must be positive");
        await DeadLetterOrderPlacedAsync(broker, "ord_list_2", "SchemaValidationFailed", "payload: totalInCents is required");
        await DeadLetterOrderPlacedAsync(broker, "ord_list_3", "MaxDeliveryCountExceeded", "10 delivery attempts");
        await broker.PublishAsync(TestEvents.ReserveInventory("ord_list_4"));
        await broker.DeadLetterNextAsync("inventory-commands", "InvariantViolated", "duplicate SKU");

        var counts = await broker.Explorer().ListAsync(DeadLetterFilter.All, CancellationToken.None);

        Assert.Equal(Topology.Default.Endpoints.Count, counts.Count);
        var notifications = Assert.Single(counts, c => c.Entity == Notifications);
        Assert.Equal(3, notifications.Count);
        Assert.Equal("notifications", notifications.Consumer);
        Assert.Equal("orders/subscriptions/notifications", notifications.Path);
        Assert.Equal(2, notifications.ByReason["SchemaValidationFailed"]);
        Assert.Equal(1, notifications.ByReason["MaxDeliveryCountExceeded"]);
        Assert.Equal(1, Assert.Single(counts, c => c.Entity == "inventory-commands").Count);
        Assert.All(counts.Where(c => c.Entity is not Notifications and not "inventory-commands"), c => Assert.Equal(0, c.Count));
    }

    [Fact]
    public async Task List_counts_beyond_one_peek_page()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var receiver = broker.Receiver("payment-commands"))
        {
            for (var i = 0; i < 300; i++)
                await broker.SendRawAsync("payment-commands", new ServiceBusMessage("{}") { MessageId = $"m{i}", Subject = "payment.capture.v1" });
            var moved = 0;
            while (moved < 300)
                foreach (var message in await receiver.ReceiveMessagesAsync(100, TimeSpan.FromSeconds(5)))
                {
                    await receiver.DeadLetterMessageAsync(message, "MalformedMessage", "test");
                    moved++;
                }
        }

        var counts = await broker.Explorer().ListAsync(new DeadLetterFilter { Entity = "payment-commands" }, CancellationToken.None);

        Assert.Equal(300, Assert.Single(counts).Count);
    }

    [Fact]
    public async Task Show_filters_by_reason_event_type_entity_and_time_and_pretty_prints_the_body()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_show_1", "SchemaValidationFailed", "payload: totalInCents is required");
        await DeadLetterOrderPlacedAsync(broker, "ord_show_2", "MaxDeliveryCountExceeded", "10 delivery attempts");
        await broker.PublishAsync(TestEvents.ReserveInventory("ord_show_3"));
        await broker.DeadLetterNextAsync("inventory-commands", "SchemaValidationFailed", "items is empty");
        var explorer = broker.Explorer();
        var placed = TestEvents.OrderPlaced("ord_show_1");

        var byReason = await explorer.ShowAsync(new DeadLetterFilter { Reason = "schemavalidationfailed" }, CancellationToken.None);
        var byType = await explorer.ShowAsync(new DeadLetterFilter { EventType = "inventory.reserve.v1" }, CancellationToken.None);
        var byEntity = await explorer.ShowAsync(new DeadLetterFilter { Entity = "orders/subscriptions/notifications" }, CancellationToken.None);
        var future = await explorer.ShowAsync(new DeadLetterFilter { Since = DateTimeOffset.UtcNow.AddHours(1) }, CancellationToken.None);
        var recent = await explorer.ShowAsync(new DeadLetterFilter { Since = DateTimeOffset.UtcNow.AddHours(-1), Until = DateTimeOffset.UtcNow.AddMinutes(1) }, CancellationToken.None);

        Assert.Equal(["ord_show_1", "ord_show_3"], byReason.Select(m => OrderIdOf(m)).Order());
        Assert.Equal("inventory-commands", Assert.Single(byType).Entity);
        Assert.Equal(2, byEntity.Count);
        Assert.Empty(future);
        Assert.Equal(3, recent.Count);

        var shown = byEntity[0];
        Assert.Equal("SchemaValidationFailed", shown.Reason);
        Assert.Equal("payload: totalInCents is required", shown.Description);
        Assert.Equal("order.placed.v1", shown.EventType);
        Assert.Equal(placed.EventId.ToString("D"), shown.EventId);
        Assert.Equal(placed.EventId.ToString("D"), shown.MessageId);
        Assert.Equal(placed.CorrelationId.ToString("D"), shown.CorrelationId);
        Assert.Equal(1, shown.DeliveryCount);
        Assert.True(shown.EnqueuedTime > DateTimeOffset.UtcNow.AddMinutes(-5));
        var pretty = shown.PrettyBody();
        Assert.Contains("\n  \"eventType\": \"order.placed.v1\"", pretty.ReplaceLineEndings("\n"));
        Assert.Contains("\"orderId\": \"ord_show_1\"", pretty);
    }

    [Fact]
    public async Task Show_prints_a_body_that_is_not_json_as_text()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.SendRawAsync("payment-commands", new ServiceBusMessage("not { json") { MessageId = "poison-1", Subject = "payment.capture.v1" });
        await broker.DeadLetterNextAsync("payment-commands", "MalformedMessage", "not valid JSON");

        var shown = Assert.Single(await broker.Explorer().ShowAsync(DeadLetterFilter.All, CancellationToken.None));

        Assert.Equal("not { json", shown.PrettyBody());
        Assert.Equal("payment.capture.v1", shown.EventType); // from the Subject when the body says nothing
        Assert.Null(shown.EventId);
    }

    [Fact]
    public async Task Resubmit_dry_run_lists_what_would_be_sent_and_changes_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_dry_1", "MaxDeliveryCountExceeded", "10 delivery attempts");
        var before = Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true));

        var lines = await broker.Explorer().ResubmitAsync(DeadLetterFilter.All, dryRun: true, CancellationToken.None);

        var line = Assert.Single(lines);
        Assert.Equal(AuditOutcome.WouldResubmit, line.Outcome);
        Assert.Equal(Notifications, line.Target);
        var after = Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true));
        Assert.Equal(before.SequenceNumber, after.SequenceNumber);
        Assert.Equal(before.DeliveryCount, after.DeliveryCount);
        Assert.Empty(await broker.PeekAsync(Notifications));
        Assert.Empty(await broker.PeekAsync("orders/saga"));
    }

    [Fact]
    public async Task Resubmit_sends_a_copy_to_the_original_subscription_only_removes_the_dead_letter_and_writes_one_audit_line()
    {
        await using var broker = await TestBroker.StartAsync();
        var placed = TestEvents.OrderPlaced("ord_resubmit_1");
        await DeadLetterOrderPlacedAsync(broker, "ord_resubmit_1", "MaxDeliveryCountExceeded", "10 delivery attempts");
        var dead = Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true));

        var lines = await broker.Explorer().ResubmitAsync(new DeadLetterFilter { Entity = Notifications }, dryRun: false, CancellationToken.None);

        var line = Assert.Single(lines);
        Assert.Equal(AuditOutcome.Resubmitted, line.Outcome);
        Assert.False(line.IsFailure);
        var text = line.ToString();
        foreach (var part in new[] { "resubmit", "entity=orders/notifications", $"messageId={dead.MessageId}", "eventType=order.placed.v1", "reason=MaxDeliveryCountExceeded", "outcome=resubmitted" })
            Assert.Contains(part, text);
        Assert.Empty(await broker.PeekAsync(Notifications, deadLetter: true));
        Assert.Empty(await broker.PeekAsync("orders/saga"));
        Assert.Empty(await broker.PeekAsync("orders/order-views"));

        var copy = await broker.ReceiveAsync(Notifications);
        Assert.Equal(dead.Body.ToArray(), copy.Body.ToArray());
        Assert.Equal(Resubmission.MessageIdFor(dead.MessageId, Notifications, dead.SequenceNumber), copy.MessageId);
        Assert.Equal(line.NewMessageId, copy.MessageId);
        Assert.NotEqual(placed.EventId.ToString("D"), copy.MessageId);
        Assert.Equal(MessageProperties.RedeliverySubject, copy.Subject);
        Assert.Equal(Notifications, copy.ApplicationProperties[MessageProperties.RedeliverTo]);
        Assert.Equal(placed.CorrelationId.ToString("D"), copy.CorrelationId);
        Assert.Equal("application/json", copy.ContentType);
        Assert.Equal("order.placed.v1", copy.ApplicationProperties["eventType"]);
        Assert.Equal(dead.SequenceNumber, copy.ApplicationProperties[MessageProperties.ResubmittedFromSequence]);
        Assert.Equal("MaxDeliveryCountExceeded", copy.ApplicationProperties[MessageProperties.ResubmittedReason]);
        Assert.True(copy.ApplicationProperties.ContainsKey(MessageProperties.ResubmittedAt));
        Assert.DoesNotContain(copy.ApplicationProperties.Keys, k => k.StartsWith("DeadLetter", StringComparison.Ordinal) || k.StartsWith("dlq-", StringComparison.Ordinal));
        Assert.Null(copy.DeadLetterReason);
    }

    [Fact]
    public async Task Resubmit_to_a_command_queue_keeps_the_subject_and_the_body()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.PublishAsync(TestEvents.ReserveInventory("ord_queue_1"));
        var original = await broker.DeadLetterNextAsync("inventory-commands", "MaxDeliveryCountExceeded", "Cosmos DB was unavailable");

        var line = Assert.Single(await broker.Explorer().ResubmitAsync(new DeadLetterFilter { Entity = "inventory-commands" }, dryRun: false, CancellationToken.None));

        Assert.Equal(AuditOutcome.Resubmitted, line.Outcome);
        var copy = await broker.ReceiveAsync("inventory-commands");
        Assert.Equal("inventory.reserve.v1", copy.Subject);
        Assert.Equal(original.Body.ToArray(), copy.Body.ToArray());
        Assert.False(copy.ApplicationProperties.ContainsKey(MessageProperties.RedeliverTo));
        Assert.Empty(await broker.PeekAsync("inventory-commands", deadLetter: true));
    }

    [Fact]
    public async Task Resubmit_acts_only_on_matching_messages_and_leaves_the_others_in_the_dead_letter_queue()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_match_1", "SchemaValidationFailed", "poison");
        await DeadLetterOrderPlacedAsync(broker, "ord_match_2", "MaxDeliveryCountExceeded", "transient");
        await DeadLetterOrderPlacedAsync(broker, "ord_match_3", "SchemaValidationFailed", "poison");

        var lines = await broker.Explorer().ResubmitAsync(new DeadLetterFilter { Reason = "MaxDeliveryCountExceeded" }, dryRun: false, CancellationToken.None);

        Assert.Equal(AuditOutcome.Resubmitted, Assert.Single(lines).Outcome);
        var left = await broker.PeekAsync(Notifications, deadLetter: true);
        Assert.Equal(2, left.Count);
        Assert.All(left, m => Assert.Equal("SchemaValidationFailed", m.DeadLetterReason));
        Assert.Single(await broker.PeekAsync(Notifications));
    }

    [Fact]
    public async Task When_a_resubmit_is_repeated_after_its_send_succeeded_but_the_removal_failed_the_broker_drops_the_second_copy()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_repeat_1", "MaxDeliveryCountExceeded", "transient");
        var endpoint = DeadLetterEntities.Resolve(Topology.Default, Notifications);
        var dead = Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true));
        // The first run: the copy went out, then the dead-letter's completion failed (lock lost), so it is still there.
        var (sendTo, firstCopy) = Resubmission.Create(endpoint, dead, DateTimeOffset.UtcNow);
        await broker.SendRawAsync(sendTo, firstCopy);

        var line = Assert.Single(await broker.Explorer().ResubmitAsync(DeadLetterFilter.All, dryRun: false, CancellationToken.None));

        Assert.Equal(AuditOutcome.Resubmitted, line.Outcome);
        Assert.Equal(firstCopy.MessageId, line.NewMessageId);
        Assert.Single(await broker.PeekAsync(Notifications));
        Assert.Empty(await broker.PeekAsync(Notifications, deadLetter: true));
    }

    [Fact]
    public async Task A_matching_message_locked_by_another_receiver_is_reported_not_found_and_the_rest_are_resubmitted()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_locked_1", "MaxDeliveryCountExceeded", "transient");
        await DeadLetterOrderPlacedAsync(broker, "ord_locked_2", "MaxDeliveryCountExceeded", "transient");
        var explorer = broker.Explorer();
        var listed = await explorer.ShowAsync(DeadLetterFilter.All, CancellationToken.None);
        await using var other = broker.Receiver(Notifications, deadLetter: true);
        var locked = await other.ReceiveMessageAsync(TimeSpan.FromSeconds(10)); // someone else is looking at the first one

        var lines = await explorer.ResubmitAsync(DeadLetterFilter.All, dryRun: false, CancellationToken.None);

        Assert.Equal(2, listed.Count);
        Assert.Equal(2, lines.Count);
        var notFound = Assert.Single(lines, l => l.Outcome == AuditOutcome.NotFound);
        Assert.Equal(locked!.SequenceNumber, notFound.SequenceNumber);
        Assert.True(notFound.IsFailure);
        Assert.Single(lines, l => l.Outcome == AuditOutcome.Resubmitted);
        await other.AbandonMessageAsync(locked);
        Assert.Equal(locked.SequenceNumber, Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true)).SequenceNumber);
    }

    [Fact]
    public async Task Purge_deletes_the_matching_messages_only()
    {
        await using var broker = await TestBroker.StartAsync();
        await DeadLetterOrderPlacedAsync(broker, "ord_purge_1", "SchemaValidationFailed", "poison");
        await DeadLetterOrderPlacedAsync(broker, "ord_purge_2", "MaxDeliveryCountExceeded", "transient");
        var explorer = broker.Explorer();

        var dry = await explorer.PurgeAsync(new DeadLetterFilter { Reason = "SchemaValidationFailed" }, dryRun: true, CancellationToken.None);
        Assert.Equal(AuditOutcome.WouldPurge, Assert.Single(dry).Outcome);
        Assert.Equal(2, (await broker.PeekAsync(Notifications, deadLetter: true)).Count);

        var lines = await explorer.PurgeAsync(new DeadLetterFilter { Reason = "SchemaValidationFailed" }, dryRun: false, CancellationToken.None);

        Assert.Equal(AuditOutcome.Purged, Assert.Single(lines).Outcome);
        var left = Assert.Single(await broker.PeekAsync(Notifications, deadLetter: true));
        Assert.Equal("MaxDeliveryCountExceeded", left.DeadLetterReason);
        Assert.Empty(await broker.PeekAsync(Notifications));
    }

    [Fact]
    public async Task Export_writes_json_lines_that_parse_back_with_all_metadata_and_the_body()
    {
        await using var broker = await TestBroker.StartAsync();
        var placed = TestEvents.OrderPlaced("ord_export_1");
        await DeadLetterOrderPlacedAsync(broker, "ord_export_1", "InvariantViolated", "total differs from the lines");
        await broker.SendRawAsync("payment-commands", new ServiceBusMessage(new byte[] { 0xff, 0xfe, 0x00 }) { MessageId = "binary-1" });
        await broker.DeadLetterNextAsync("payment-commands", "MalformedMessage", "the body is not valid UTF-8");
        using var output = new StringWriter { NewLine = "\n" };

        var count = await broker.Explorer().ExportAsync(DeadLetterFilter.All, output, CancellationToken.None);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, count);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal(Notifications, root.GetProperty("entity").GetString());
        Assert.Equal("InvariantViolated", root.GetProperty("reason").GetString());
        Assert.Equal("total differs from the lines", root.GetProperty("description").GetString());
        Assert.Equal("order.placed.v1", root.GetProperty("eventType").GetString());
        Assert.Equal(placed.EventId.ToString("D"), root.GetProperty("eventId").GetString());
        Assert.Equal(placed.CorrelationId.ToString("D"), root.GetProperty("correlationId").GetString());
        Assert.Equal(1, root.GetProperty("deliveryCount").GetInt32());
        Assert.True(root.GetProperty("sequenceNumber").GetInt64() > 0);
        Assert.True(root.GetProperty("enqueuedTime").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("notifications/notifications.order", root.GetProperty("applicationProperties").GetProperty(DeadLetterProperties.Handler).GetString());
        Assert.Equal("ord_export_1", root.GetProperty("body").GetProperty("payload").GetProperty("orderId").GetString());
        var body = Encoding.UTF8.GetBytes(root.GetProperty("body").GetRawText());
        Assert.Equal(placed.EventId, AzureOrders.Contracts.Envelopes.Deserialize(body).EventId);

        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(new byte[] { 0xff, 0xfe, 0x00 }, second.RootElement.GetProperty("bodyBase64").GetBytesFromBase64());
    }

    private static string? OrderIdOf(DeadLetterMessage message)
    {
        using var document = JsonDocument.Parse(message.Body.ToMemory());
        return document.RootElement.GetProperty("payload").GetProperty("orderId").GetString();
    }
}

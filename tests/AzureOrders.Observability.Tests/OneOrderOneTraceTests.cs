using System.Diagnostics;
using System.Text;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Xunit.Abstractions;

namespace AzureOrders.Observability.Tests;

/// <summary>
/// Through the local runner with in-memory exporters: a placed order is one trace from the HTTP request through
/// every Service Bus hop, the saga's orchestration and activities and the Cosmos calls; the metrics match the scenario.
/// </summary>
public sealed class OneOrderOneTraceTests(TracedSystemFixture fixture, ITestOutputHelper output) : IClassFixture<TracedSystemFixture>
{
    [Fact]
    public async Task A_placed_order_is_one_trace_from_the_http_request_through_every_consumer_the_saga_and_cosmos()
    {
        var trace = await HappyTraceAsync();

        var root = Assert.Single(trace, s => s.ParentSpanId == default);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.Equal("Microsoft.AspNetCore", root.Source.Name);
        Assert.Equal("POST", root.GetTagItem("http.request.method"));
        // Every span of ours that names this order, wherever it ran, is in this one trace.
        var ofOrder = fixture.Spans.Where(s => s.Source.Name == Telemetry.Name && Equals(s.GetTagItem(Telemetry.Tags.OrderId), fixture.HappyOrderId)).ToList();
        Assert.NotEmpty(ofOrder);
        Assert.All(ofOrder, s => Assert.Equal(root.TraceId, s.TraceId));

        Assert.Contains(trace, s => s.DisplayName == "send orders" && Tag(s, Telemetry.Tags.EventType) is MessageTypes.OrderPlacedV1 or MessageTypes.OrderPlacedV2);
        foreach (var consumer in new[] { "saga", "inventory", "payments", "orders", "notifications" })
            Assert.Contains(trace, s => s.Kind == ActivityKind.Consumer && Tag(s, Telemetry.Tags.Consumer) == consumer);
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.DurableTask" && s.DisplayName == "create_orchestration:OrderFulfillmentSaga");
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.DurableTask" && s.DisplayName == "orchestration:OrderFulfillmentSaga");
        foreach (var activity in new[] { "ReserveInventoryActivity", "CapturePaymentActivity", "ConfirmOrderActivity" })
            Assert.Contains(trace, s => s.Source.Name == "Microsoft.DurableTask" && s.DisplayName == $"activity:{activity}" && s.Kind == ActivityKind.Server);
        Assert.Contains(trace, s => s.Source.Name == "Azure.Cosmos.Operation");
        // The other orders are other traces.
        Assert.DoesNotContain(trace, s => Tag(s, Telemetry.Tags.OrderId) is { } id && id != fixture.HappyOrderId);
    }

    [Fact]
    public async Task Each_consumer_span_is_the_child_of_the_send_span_of_its_message_across_six_service_bus_hops_and_the_saga()
    {
        var trace = await HappyTraceAsync();
        var byId = trace.ToDictionary(s => s.SpanId);

        // HTTP -> send order.placed -> saga consumer -> create_orchestration -> orchestration -> activity -> send inventory.reserve
        var placed = Send(trace, MessageTypes.OrderPlacedV1, MessageTypes.OrderPlacedV2);
        Assert.True(IsUnder(placed, trace.Single(s => s.ParentSpanId == default), byId), "order.placed is sent under the HTTP request");
        var sagaStart = Process(trace, placed, "saga");
        var create = trace.Single(s => s.DisplayName == "create_orchestration:OrderFulfillmentSaga");
        Assert.True(IsUnder(create, sagaStart, byId), "the saga consumer starts the orchestration");
        var orchestration = trace.Single(s => s.DisplayName == "orchestration:OrderFulfillmentSaga" && s.Kind == ActivityKind.Server);
        Assert.Equal(create.SpanId, orchestration.ParentSpanId);

        var reserve = Send(trace, MessageTypes.InventoryReserveV1);
        var reserveActivity = trace.Single(s => s.DisplayName == "activity:ReserveInventoryActivity" && s.Kind == ActivityKind.Server);
        Assert.Equal(reserveActivity.SpanId, reserve.ParentSpanId);
        Assert.True(IsUnder(reserveActivity, orchestration, byId), "the activity runs under the orchestration");

        // inventory.reserve -> inventory -> inventory.reserved -> saga (raised on the orchestration)
        var inventory = Process(trace, reserve, "inventory");
        var reserved = Send(trace, MessageTypes.InventoryReservedV1);
        Assert.True(IsUnder(reserved, inventory, byId), "inventory.reserved is sent while Inventory handles the command");
        Process(trace, reserved, "saga");
        Process(trace, reserved, "orders");

        // payment.capture -> payments -> payment.completed -> saga; order.confirmed -> notifications
        var capture = Send(trace, MessageTypes.PaymentCaptureV1);
        Assert.True(IsUnder(capture, orchestration, byId), "the capture is sent by an activity of the orchestration");
        var payments = Process(trace, capture, "payments");
        var completed = Send(trace, MessageTypes.PaymentCompletedV1);
        Assert.True(IsUnder(completed, payments, byId));
        Process(trace, completed, "saga");
        var confirmed = Send(trace, MessageTypes.OrderConfirmedV1);
        Assert.True(IsUnder(confirmed, orchestration, byId), "order.confirmed is sent by the confirm activity");
        var notification = Process(trace, confirmed, "notifications");

        // Handlers' Cosmos calls sit under their consumer span.
        Assert.Contains(trace, s => s.Source.Name == "Azure.Cosmos.Operation" && IsUnder(s, inventory, byId));
        Assert.Contains(trace, s => s.Source.Name == "Azure.Cosmos.Operation" && IsUnder(s, notification, byId));
    }

    [Fact]
    public async Task Messaging_spans_carry_the_semantic_convention_attributes_and_the_order_and_correlation_ids()
    {
        var trace = await HappyTraceAsync();
        var ours = trace.Where(s => s.Source.Name == Telemetry.Name).ToList();

        var correlationIds = ours.Select(s => Tag(s, Telemetry.Tags.CorrelationId)).Distinct().ToList();
        Assert.True(Guid.TryParse(Assert.Single(correlationIds), out _), "one correlation id on every span of ours");
        Assert.All(ours, s => Assert.Equal(fixture.HappyOrderId, Tag(s, Telemetry.Tags.OrderId)));

        var sends = ours.Where(s => s.Kind == ActivityKind.Producer).ToList();
        Assert.NotEmpty(sends);
        Assert.All(sends, s =>
        {
            Assert.Equal("servicebus", Tag(s, "messaging.system"));
            Assert.Equal("send", Tag(s, "messaging.operation.type"));
            Assert.Equal($"send {Tag(s, "messaging.destination.name")}", s.DisplayName);
            Assert.True(Guid.TryParse(Tag(s, "messaging.message.id"), out _));
            Assert.Equal(correlationIds[0], Tag(s, "messaging.message.conversation_id"));
        });
        var processes = ours.Where(s => s.Kind == ActivityKind.Consumer).ToList();
        Assert.All(processes, s =>
        {
            Assert.Equal("servicebus", Tag(s, "messaging.system"));
            Assert.Equal("process", Tag(s, "messaging.operation.type"));
            Assert.Equal($"process {Tag(s, "messaging.destination.name")}", s.DisplayName);
            Assert.Equal("complete", Tag(s, "messaging.servicebus.disposition_status"));
            Assert.NotNull(s.GetTagItem("messaging.servicebus.message.delivery_count"));
            // The consumer's message id is the id its producer span sent.
            var parent = sends.Single(p => p.SpanId == s.ParentSpanId);
            Assert.Equal(Tag(parent, "messaging.message.id"), Tag(s, "messaging.message.id"));
        });
        Assert.Contains(processes, s => Tag(s, "messaging.destination.subscription.name") == "saga");
        Assert.Contains(processes, s => s.GetTagItem("messaging.destination.subscription.name") is null && Tag(s, "messaging.destination.name") == "inventory-commands");
    }

    [Fact]
    public async Task Metrics_count_three_placed_two_confirmed_one_cancelled_no_dead_letters_then_a_malformed_command_by_reason_and_in_the_lag_gauge()
    {
        Assert.Equal(3, await fixture.SumEventuallyAsync("azureorders.orders.placed", 3));
        Assert.Equal(2, await fixture.SumEventuallyAsync("azureorders.orders.confirmed", 2));
        Assert.Equal(1, await fixture.SumEventuallyAsync("azureorders.orders.cancelled", 1, p => PointTag(p, Telemetry.Tags.Reason) == CancellationReasons.PaymentDeclined));
        Assert.Equal(0, fixture.Sum("azureorders.messages.dead_lettered"));
        Assert.Equal(2, await fixture.SumEventuallyAsync("azureorders.saga.duration", 2, p => PointTag(p, Telemetry.Tags.Outcome) == OrderStatus.Confirmed));
        Assert.Equal(1, await fixture.SumEventuallyAsync("azureorders.saga.duration", 1, p => PointTag(p, Telemetry.Tags.Outcome) == OrderStatus.Cancelled));
        foreach (var consumer in new[] { "saga", "inventory", "payments", "orders", "notifications" })
            Assert.True(fixture.Sum("azureorders.handler.duration", p => PointTag(p, Telemetry.Tags.Consumer) == consumer) > 0, $"handler duration recorded for {consumer}");
        Assert.Equal(0, fixture.Sum("azureorders.handler.duration", p => PointTag(p, Telemetry.Tags.Outcome) is "dead_letter"));
        Assert.True(fixture.Sum("azureorders.cosmos.round_trips") > 0);

        // Lag: every endpoint of the topology sampled; all drained, nothing dead-lettered.
        Assert.Equal(0, await fixture.SumEventuallyAsync("azureorders.consumer.active_messages", 0));
        Assert.Equal(0, fixture.Sum("azureorders.consumer.dead_letter_messages"));
        var sampled = fixture.Points("azureorders.consumer.active_messages")
            .Select(p => $"{PointTag(p, "messaging.destination.name")}/{PointTag(p, "messaging.destination.subscription.name")}").ToHashSet();
        Assert.Equal(fixture.System.Get<AzureOrders.Messaging.Dispatch.MessageDispatcher>().Endpoints.Count, sampled.Count);

        // Then a malformed command: counted by reason, and the lag gauge sees it in the queue's dead-letter sub-queue.
        await using (var sender = fixture.System.Services.GetRequiredService<ServiceBusClient>().CreateSender("inventory-commands"))
            await sender.SendMessageAsync(new ServiceBusMessage("not json") { MessageId = Guid.NewGuid().ToString("D") });
        Assert.Equal(1, await fixture.SumEventuallyAsync("azureorders.messages.dead_lettered", 1,
            p => PointTag(p, Telemetry.Tags.DeadLetterReason) == "MalformedMessage" && PointTag(p, Telemetry.Tags.Consumer) == "inventory"));
        Assert.Equal(1, await fixture.SumEventuallyAsync("azureorders.consumer.dead_letter_messages", 1,
            p => PointTag(p, "messaging.destination.name") == "inventory-commands"));
    }

    [Fact]
    public void A_log_line_written_under_an_order_span_carries_the_order_and_correlation_ids_as_scope_values()
    {
        var logger = fixture.System.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AzureOrders.Observability.Tests");
        var correlationId = Guid.NewGuid();
        var orderId = $"ord_log_{Guid.NewGuid():N}";
        using (var span = Telemetry.Source.StartActivity("log scope probe"))
        {
            Telemetry.TagOrder(span, correlationId, orderId);
            logger.LogWarning("probe for {OrderId}", orderId);
        }

        var record = Assert.Single(fixture.Logs, r => r.Attributes?.Any(a => a.Key == "OrderId" && Equals(a.Value, orderId)) == true);
        var scope = new Dictionary<string, object?>();
        record.ForEachScope<object?>((s, _) => { foreach (var item in s) scope[item.Key] = item.Value; }, null);
        Assert.Equal(orderId, scope.GetValueOrDefault(Telemetry.Tags.OrderId));
        Assert.Equal(correlationId.ToString("D"), scope.GetValueOrDefault(Telemetry.Tags.CorrelationId));
    }

    private async Task<IReadOnlyList<Activity>> HappyTraceAsync()
    {
        // Spans are exported as they end: the orchestration ends last, the notification of order.confirmed around then.
        var trace = await fixture.TraceOfAsync(fixture.HappyOrderId, t =>
            t.Any(s => s.DisplayName == "orchestration:OrderFulfillmentSaga" && s.Kind == ActivityKind.Server) &&
            t.Any(s => s.Kind == ActivityKind.Consumer && Tag(s, Telemetry.Tags.Consumer) == "notifications" && Tag(s, Telemetry.Tags.EventType) == MessageTypes.OrderConfirmedV1));
        output.WriteLine(Tree(trace));
        return trace;
    }

    private static Activity Send(IReadOnlyList<Activity> trace, params string[] eventTypes)
    {
        var sends = trace.Where(s => s.Kind == ActivityKind.Producer && s.Source.Name == Telemetry.Name && eventTypes.Contains(Tag(s, Telemetry.Tags.EventType))).ToList();
        Assert.True(sends.Count == 1, $"one send of {string.Join(" or ", eventTypes)}, found {sends.Count}");
        return sends[0];
    }

    private static Activity Process(IReadOnlyList<Activity> trace, Activity send, string consumer)
    {
        var children = trace.Where(s => s.Kind == ActivityKind.Consumer && s.ParentSpanId == send.SpanId && Tag(s, Telemetry.Tags.Consumer) == consumer).ToList();
        Assert.True(children.Count >= 1, $"{consumer} processes {Tag(send, Telemetry.Tags.EventType)} as a child of its send span");
        return children[0];
    }

    private static bool IsUnder(Activity span, Activity ancestor, IReadOnlyDictionary<ActivitySpanId, Activity> byId)
    {
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
            if (parent.SpanId == ancestor.SpanId) return true;
        return false;
    }

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    private static string? PointTag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value?.ToString();
        return null;
    }

    private static string Tree(IReadOnlyList<Activity> trace)
    {
        var text = new StringBuilder();
        var children = trace.ToLookup(s => s.ParentSpanId);
        void Write(Activity span, int depth)
        {
            text.Append(' ', depth * 2).Append(span.DisplayName).Append(" [").Append(span.Source.Name).Append(", ").Append(span.Kind).Append(']');
            if (Tag(span, Telemetry.Tags.Consumer) is { } consumer) text.Append(" consumer=").Append(consumer);
            if (Tag(span, Telemetry.Tags.EventType) is { } type) text.Append(" type=").Append(type);
            text.AppendLine();
            foreach (var child in children[span.SpanId].OrderBy(s => s.StartTimeUtc)) Write(child, depth + 1);
        }
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        foreach (var root in trace.Where(s => !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartTimeUtc)) Write(root, 0);
        return text.ToString();
    }
}

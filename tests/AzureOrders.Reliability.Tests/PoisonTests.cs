using System.Text;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.LocalHost.Demo;
using AzureOrders.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AzureOrders.Reliability.Tests;

/// <summary>
/// Poison through the real broker and consumers: a corpus of hand-made cases plus seeded fuzz, sent to the inventory
/// command queue while good orders flow. Each poison message must be dead-lettered with a specific reason on its
/// first delivery; the good orders must all end; the host must keep answering.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PoisonTests(SystemFixture fixture, ITestOutputHelper output)
{
    private const int Fuzzed = 1000;

    private static readonly string[] SpecificReasons = [.. Enum.GetNames<DeadLetterReason>()];

    private const string Reserve = """{"eventId":"3f1c2a4e-8b7d-4c1a-9e2f-0a1b2c3d4e5f","eventType":"inventory.reserve.v1","timestamp":"2026-11-26T10:00:00Z","correlationId":"7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f","causationId":"7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f","source":"saga","payload":{"orderId":"ord_poison","items":[{"sku":"WIDGET-001","quantity":1}]}}""";

    [Fact]
    public async Task Poison_and_fuzzed_messages_are_dead_lettered_on_first_delivery_while_good_orders_keep_flowing()
    {
        var system = fixture.System;
        var flow = new OrderFlow(system, fixture.Faults);
        var queue = system.Get<AzureOrders.Messaging.Dispatch.MessageDispatcher>().Endpoints.First(e => e.SubscriptionName is null && e.MessageTypes.Contains(MessageTypes.InventoryReserveV1));
        var run = Guid.NewGuid().ToString("N")[..8];
        var poison = Corpus().Concat(Fuzz(new Random(4711), Fuzzed)).Select((body, i) => (Id: $"poison-{run}-{i:D4}", Body: body)).ToList();

        var client = system.Services.GetRequiredService<ServiceBusClient>();
        await using var sender = client.CreateSender(queue.EntityName);
        var goodOrders = flow.RunAsync(DemoOrders.Create(40, seed: 51, runId: $"poison_{run}"), TimeSpan.FromMinutes(3));
        foreach (var chunk in poison.Chunk(50))
            await sender.SendMessagesAsync(chunk.Select(p => new ServiceBusMessage(p.Body) { MessageId = p.Id, ContentType = "application/json" }));
        var good = await goodOrders;

        var ids = poison.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        List<ServiceBusReceivedMessage> dead;
        while (true)
        {
            dead = [.. (await flow.DeadLetteredAsync()).Where(m => ids.Contains(m.MessageId))];
            if (dead.Count >= ids.Count || DateTime.UtcNow > deadline) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        using var http = new HttpClient { BaseAddress = system.BaseAddress };
        var health = await http.GetAsync("health");
        output.WriteLine($"poison sent: {poison.Count} ({poison.Count - Fuzzed} corpus + {Fuzzed} fuzzed) to {queue.EntityName}; dead-lettered: {dead.Count}; by reason: " +
            string.Join(", ", dead.GroupBy(m => m.DeadLetterReason).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine($"delivery counts at dead-lettering: {string.Join(", ", dead.GroupBy(m => m.DeliveryCount).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}");
        output.WriteLine($"good orders meanwhile: {good.Summary}; health {(int)health.StatusCode}");

        Assert.Equal(ids.Count, dead.Count);
        Assert.All(dead, m => Assert.Contains(m.DeadLetterReason, SpecificReasons));
        Assert.All(dead, m => Assert.False(string.IsNullOrWhiteSpace(m.DeadLetterErrorDescription)));
        Assert.All(dead, m => Assert.True(m.DeliveryCount <= 1, $"{m.MessageId} was delivered {m.DeliveryCount} times before dead-lettering"));
        Assert.True(good.Invariants.All(i => i.Holds), good.FailedInvariants);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>Hand-made cases, one or more per reason (the Core suite has the full per-case corpus against the pipeline).</summary>
    private static IEnumerable<byte[]> Corpus()
    {
        yield return [];
        yield return Utf8("hello, I am not JSON");
        yield return Utf8(Reserve[..60]);
        yield return [.. Utf8("{\"eventId\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}")];
        yield return Utf8("[" + Reserve + "]");
        yield return Utf8("null");
        yield return Utf8(new string('[', 100) + new string(']', 100));
        yield return Mutate(o => o["payload"]!["note"] = new string('x', 70_000));
        yield return Mutate(o => o["eventType"] = "order.shipped.v1");
        yield return Mutate(o => o["eventType"] = "inventory.reserve.v9");
        yield return Mutate(o => o["eventType"] = "payment.capture.v1");
        yield return Mutate(o => o.Remove("eventId"));
        yield return Mutate(o => o["timestamp"] = "yesterday");
        yield return Mutate(o => o["payload"]!["items"]![0]!["quantity"] = -1);
        yield return Mutate(o => o["payload"]!["items"]![0]!["sku"] = "widget-001");
        yield return Mutate(o => o["payload"]!["items"]!.AsArray().Add(JsonNode.Parse("""{"sku":"WIDGET-001","quantity":2}""")));
    }

    /// <summary>Mutations that can never yield a valid message (so any success would be a real bug, not luck).</summary>
    private static IEnumerable<byte[]> Fuzz(Random random, int count)
    {
        var valid = Utf8(Reserve);
        string[] required = ["eventId", "eventType", "timestamp", "correlationId", "payload"];
        JsonNode?[] wrong = [42, new JsonArray(), true, new JsonObject(), "not-a-uuid", null];
        for (var i = 0; i < count; i++)
        {
            yield return (i % 6) switch
            {
                0 => valid[..random.Next(1, valid.Length - 1)], // truncated: never closes
                1 => [.. valid[..(random.Next(valid.Length))], 0xFF, .. valid[random.Next(valid.Length)..]], // invalid UTF-8
                2 => Mutate(o => o[required[random.Next(required.Length)]] = wrong[random.Next(wrong.Length)]?.DeepClone()),
                3 => Mutate(o => o["payload"]!["items"]![0]!["quantity"] = random.Next(2) == 0 ? -random.Next(1, 1000) : JsonValue.Create($"{random.Next()}")),
                4 => Mutate(o => o["payload"]!.AsObject().Remove(random.Next(2) == 0 ? "orderId" : "items")),
                _ => RandomBytes(random),
            };
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(Reserve)!.AsObject();
        change(node);
        return Utf8(node.ToJsonString());
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Messaging;
using AzureOrders.ServiceBus;

namespace AzureOrders.Functions.Tests;

/// <summary>The publisher through the real client against the embedded emulator loaded with the project's topology.</summary>
public sealed class ServiceBusPublisherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private ServiceBusEmulator.ServiceBusEmulator emulator = null!;
    private ServiceBusClient client = null!;

    public async Task InitializeAsync()
    {
        emulator = await EmbeddedServiceBus.StartAsync();
        client = new ServiceBusClient(emulator.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await client.DisposeAsync();
        await emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_published_event_arrives_with_the_design_mapping()
    {
        await using var publisher = new ServiceBusEventPublisher(client);
        var correlation = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "publisher-test");
        var cause = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "publisher-test/cause");
        var envelope = Envelopes.Create(new InventoryReservedV1("ord_pub", [new StockLine("WIDGET-001", 2)]),
            DeterministicGuid.ForOutgoing(cause, "reserve-inventory", 0), correlation, cause, Services.Inventory, At);

        await publisher.PublishAsync(OutgoingMessage.From(envelope, Topology.Default), CancellationToken.None);

        await using var receiver = client.CreateReceiver("inventory", "saga");
        var received = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(received);
        Assert.Equal(envelope.EventId.ToString("D"), received.MessageId);
        Assert.Equal("inventory.reserved.v1", received.Subject);
        Assert.Equal(correlation.ToString("D"), received.CorrelationId);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal("inventory.reserved.v1", received.ApplicationProperties["eventType"]);
        Assert.Equal("inventory", received.ApplicationProperties["source"]);
        Assert.Equal(cause.ToString("D"), received.ApplicationProperties["causationId"]);
        Assert.Equal(envelope.EventId, Envelopes.Deserialize(received.Body.ToArray()).EventId);
        await receiver.CompleteMessageAsync(received);
    }

    [Fact]
    public async Task Republishing_the_same_event_is_dropped_by_duplicate_detection()
    {
        await using var publisher = new ServiceBusEventPublisher(client);
        var correlation = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "dup-test");
        var envelope = Envelopes.Create(new PaymentCaptureV1("ord_dup", "cust_456", 1999, "USD"),
            DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "dup-test/capture"), correlation, null, Services.Saga, At);
        var message = OutgoingMessage.From(envelope, Topology.Default);

        await publisher.PublishAsync(message, CancellationToken.None);
        await publisher.PublishAsync(message, CancellationToken.None);
        await publisher.PublishAsync([message, message], CancellationToken.None);

        await using var receiver = client.CreateReceiver("payment-commands", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        var second = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1));
        Assert.Null(second);
    }

    [Fact]
    public async Task Events_that_leave_together_reach_every_subscription_of_their_topic()
    {
        await using var publisher = new ServiceBusEventPublisher(client);
        var correlation = DeterministicGuid.Create(DeterministicGuid.ClientNamespace, "batch-test");
        var messages = Enumerable.Range(0, 5).Select(i => OutgoingMessage.From(
            Envelopes.Create(new OrderPlacedV1($"ord_batch_{i}", "cust_456", [new OrderLineV1("WIDGET-001", 1, 1999)], 1999),
                DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"batch-test/{i}"), correlation, null, Services.Orders, At),
            Topology.Default)).ToList();

        await publisher.PublishAsync(messages, CancellationToken.None);

        foreach (var subscription in new[] { "saga", "order-views", "notifications" })
        {
            await using var receiver = client.CreateReceiver("orders", subscription, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
            var ids = new List<string>();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (ids.Count < messages.Count && DateTime.UtcNow < deadline)
                ids.AddRange((await receiver.ReceiveMessagesAsync(10, TimeSpan.FromSeconds(1))).Select(m => m.MessageId));
            Assert.Equal(messages.Select(m => m.MessageId).Order(), ids.Order());
        }
    }
}

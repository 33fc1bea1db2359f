using Azure.Messaging.ServiceBus;
using AzureOrders.Contracts;
using AzureOrders.DeadLetters;
using AzureOrders.EmbeddedEndpoints;
using AzureOrders.Messaging;
using AzureOrders.ServiceBus;
using Emulator = AzureOrders.ServiceBusEmulator.ServiceBusEmulator;

namespace AzureOrders.Admin.Tests;

/// <summary>The embedded Service Bus emulator with the project topology, and the moves tests need to fill dead-letter queues.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Emulator emulator;

    private TestBroker(Emulator emulator)
    {
        this.emulator = emulator;
        Client = new ServiceBusClient(emulator.ConnectionString);
    }

    public ServiceBusClient Client { get; }
    public string ConnectionString => emulator.ConnectionString;

    public static async Task<TestBroker> StartAsync(int? maxDeliveryCount = null) =>
        new(await EmbeddedServiceBus.StartAsync(maxDeliveryCount: maxDeliveryCount));

    /// <summary>A short empty-receive wait keeps sweeps fast against the in-process broker.</summary>
    public DeadLetterExplorer Explorer(TimeProvider? time = null) =>
        new(Client, Topology.Default, time ?? TimeProvider.System, new DeadLetterExplorerOptions { ReceiveWait = TimeSpan.FromMilliseconds(500) });

    /// <summary>Publishes as the Function App does: MessageId = eventId, Subject = eventType, to the type's topic or queue.</summary>
    public async Task PublishAsync(Envelope envelope)
    {
        var outgoing = OutgoingMessage.From(envelope, Topology.Default);
        await using var sender = Client.CreateSender(outgoing.Route.EntityName);
        await sender.SendMessageAsync(ServiceBusMessageMapping.ToServiceBusMessage(outgoing));
    }

    public async Task SendRawAsync(string entity, ServiceBusMessage message)
    {
        await using var sender = Client.CreateSender(entity);
        await sender.SendMessageAsync(message);
    }

    public ServiceBusReceiver Receiver(string entity, bool deadLetter = false)
    {
        var endpoint = DeadLetterEntities.Resolve(Topology.Default, entity);
        var options = new ServiceBusReceiverOptions { SubQueue = deadLetter ? SubQueue.DeadLetter : SubQueue.None };
        return endpoint.Kind == EntityKind.Queue
            ? Client.CreateReceiver(endpoint.EntityName, options)
            : Client.CreateReceiver(endpoint.EntityName, endpoint.SubscriptionName, options);
    }

    public async Task<ServiceBusReceivedMessage> ReceiveAsync(string entity)
    {
        await using var receiver = Receiver(entity);
        return await receiver.ReceiveMessageAsync(Wait) ?? throw new Xunit.Sdk.XunitException($"nothing arrived at {entity}");
    }

    /// <summary>Receives the next message of <paramref name="entity"/> and dead-letters it as a consumer would.</summary>
    public async Task<ServiceBusReceivedMessage> DeadLetterNextAsync(string entity, string reason, string description, IDictionary<string, object>? properties = null)
    {
        await using var receiver = Receiver(entity);
        var message = await receiver.ReceiveMessageAsync(Wait) ?? throw new Xunit.Sdk.XunitException($"nothing arrived at {entity}");
        await receiver.DeadLetterMessageAsync(message, properties ?? new Dictionary<string, object>(), reason, description);
        return message;
    }

    /// <summary>Fills the dead-letter queue of a queue with <paramref name="count"/> small messages (ids dlq-0, dlq-1, ...).</summary>
    public async Task DeadLetterManyAsync(string queue, int count, string reason)
    {
        await using (var sender = Client.CreateSender(queue))
        {
            for (var start = 0; start < count; start += 100)
                await sender.SendMessagesAsync(Enumerable.Range(start, Math.Min(100, count - start))
                    .Select(i => new ServiceBusMessage(BinaryData.FromString($"{{\"n\":{i}}}")) { MessageId = $"dlq-{i}", ContentType = "application/json" }));
        }
        await using var receiver = Receiver(queue);
        var done = 0;
        while (done < count)
        {
            var batch = await receiver.ReceiveMessagesAsync(100, Wait);
            if (batch.Count == 0) throw new Xunit.Sdk.XunitException($"only {done} of {count} arrived at {queue}");
            foreach (var message in batch) await receiver.DeadLetterMessageAsync(message, reason, "test");
            done += batch.Count;
        }
    }

    /// <summary>Completes everything waiting in <paramref name="entity"/>; returns how many.</summary>
    public async Task<int> DrainAsync(string entity)
    {
        await using var receiver = Receiver(entity);
        var count = 0;
        while (await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)) is { } message)
        {
            await receiver.CompleteMessageAsync(message);
            count++;
        }
        return count;
    }

    public async Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekAsync(string entity, bool deadLetter = false)
    {
        await using var receiver = Receiver(entity, deadLetter);
        return await receiver.PeekMessagesAsync(100, fromSequenceNumber: 0);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await emulator.DisposeAsync();
    }
}

/// <summary>Valid messages of the contracts, with ids that tests can assert on.</summary>
public static class TestEvents
{
    public static Envelope OrderPlaced(string orderId) => Envelopes.Create(
        new OrderPlacedV1(orderId, "cust_456", [new OrderLineV1("WIDGET-001", 2, 1999)], 3998),
        DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"test|{orderId}|placed"),
        DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"test|{orderId}|correlation"),
        null, Services.Orders, DateTimeOffset.UtcNow);

    public static Envelope ReserveInventory(string orderId) => Envelopes.Create(
        new InventoryReserveV1(orderId, [new StockLine("WIDGET-001", 2)]),
        DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"test|{orderId}|reserve"),
        DeterministicGuid.Create(DeterministicGuid.ClientNamespace, $"test|{orderId}|correlation"),
        null, Services.Saga, DateTimeOffset.UtcNow);
}

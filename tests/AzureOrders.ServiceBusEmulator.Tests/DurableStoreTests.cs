using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>The data directory: what Service Bus keeps survives a restart of the emulator on the same directory.</summary>
public class DurableStoreTests
{
    static readonly EmulatorConfig Config = new()
    {
        Queues =
        [
            new QueueDefinition("work") { RequiresDuplicateDetection = true, MaxDeliveryCount = 5 },
            new QueueDefinition("once") { MaxDeliveryCount = 1 },
        ],
        Topics =
        [
            new TopicDefinition("orders")
            {
                RequiresDuplicateDetection = true,
                Subscriptions = [new SubscriptionDefinition("saga"), new SubscriptionDefinition("audit")],
            },
        ],
    };

    static readonly ServiceBusReceiverOptions OneAtATime = new() { PrefetchCount = 0 };

    /// <summary>One emulator run on a data directory, with its client.</summary>
    sealed class Run : IAsyncDisposable
    {
        Run(ServiceBusEmulator emulator)
        {
            Emulator = emulator;
            Client = new ServiceBusClient(emulator.ConnectionString, new ServiceBusClientOptions
            {
                RetryOptions = new ServiceBusRetryOptions { TryTimeout = TimeSpan.FromSeconds(10), MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(100) },
            });
        }

        public ServiceBusEmulator Emulator { get; }

        public ServiceBusClient Client { get; }

        public static async Task<Run> StartAsync(string directory) =>
            new(await ServiceBusEmulator.StartAsync(Config, new EmulatorOptions { DataDirectory = directory, LoggerFactory = DebugLog.Factory }));

        public async Task<ServiceBusReceivedMessage> ReceiveOneAsync(string queue, string? subscription = null, SubQueue subQueue = SubQueue.None)
        {
            await using var receiver = subscription is null
                ? Client.CreateReceiver(queue, new ServiceBusReceiverOptions { PrefetchCount = 0, SubQueue = subQueue })
                : Client.CreateReceiver(queue, subscription, new ServiceBusReceiverOptions { PrefetchCount = 0, SubQueue = subQueue });
            return await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"Nothing arrived on {queue}/{subscription}.");
        }

        public async Task<IReadOnlyList<ServiceBusReceivedMessage>> PeekAllAsync(string entity, string? subscription = null, SubQueue subQueue = SubQueue.None)
        {
            await using var receiver = subscription is null
                ? Client.CreateReceiver(entity, new ServiceBusReceiverOptions { SubQueue = subQueue })
                : Client.CreateReceiver(entity, subscription, new ServiceBusReceiverOptions { SubQueue = subQueue });
            return await receiver.PeekMessagesAsync(100, fromSequenceNumber: 0);
        }

        // The client first, so nothing reaches the emulator while it stops.
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }

    /// <summary>Everything a peek shows, so a restart can be compared with what was there before it.</summary>
    static string Describe(ServiceBusReceivedMessage m) =>
        string.Join(" | ",
            m.MessageId, m.SequenceNumber, m.State, m.DeliveryCount, m.Body, m.Subject, m.CorrelationId, m.ContentType, m.SessionId, m.ReplyTo,
            m.TimeToLive, m.EnqueuedTime.ToUnixTimeMilliseconds(), m.ExpiresAt.ToUnixTimeMilliseconds(), m.ScheduledEnqueueTime.ToUnixTimeMilliseconds(),
            m.DeadLetterReason, m.DeadLetterErrorDescription, m.DeadLetterSource,
            string.Join(",", m.ApplicationProperties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}:{p.Value?.GetType().Name}")));

    [Fact]
    public async Task A_restart_keeps_active_scheduled_deferred_and_dead_lettered_messages_with_sequence_numbers_delivery_counts_and_properties()
    {
        using var directory = new TempDirectory();
        var scheduledFor = DateTimeOffset.UtcNow.AddHours(1);
        long deferredSequence, scheduledSequence;
        List<string> queueBefore, deadBefore, sagaBefore, auditBefore;
        await using (var run = await Run.StartAsync(directory.Path))
        {
            await using var sender = run.Client.CreateSender("work");
            foreach (var id in new[] { "deferred", "dead", "completed", "abandoned" })
            {
                await sender.SendMessageAsync(new ServiceBusMessage(id) { MessageId = id });
            }

            await using var receiver = run.Client.CreateReceiver("work", OneAtATime);
            var deferred = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("deferred", deferred.MessageId);
            await receiver.DeferMessageAsync(deferred);
            deferredSequence = deferred.SequenceNumber;
            await receiver.DeadLetterMessageAsync(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)), "Unreadable", "the payload is not JSON");
            var completed = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("completed", completed.MessageId);
            await receiver.CompleteMessageAsync(completed);
            var abandoned = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("abandoned", abandoned.MessageId);
            await receiver.AbandonMessageAsync(abandoned, new Dictionary<string, object> { ["attempt"] = 1 });

            var active = new ServiceBusMessage("{\"orderId\":\"ord_123\"}")
            {
                MessageId = "active",
                Subject = "order.placed.v1",
                CorrelationId = "corr-1",
                ContentType = "application/json",
                SessionId = "session-1",
                ReplyTo = "replies",
                TimeToLive = TimeSpan.FromDays(1),
            };
            active.ApplicationProperties["count"] = 42;
            active.ApplicationProperties["amount"] = 19.99;
            active.ApplicationProperties["flag"] = true;
            active.ApplicationProperties["when"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            active.ApplicationProperties["id"] = Guid.Parse("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
            active.ApplicationProperties["text"] = "kept";
            await sender.SendMessageAsync(active);
            scheduledSequence = await sender.ScheduleMessageAsync(new ServiceBusMessage("later") { MessageId = "scheduled" }, scheduledFor);
            await sender.CancelScheduledMessageAsync(await sender.ScheduleMessageAsync(new ServiceBusMessage("cancelled") { MessageId = "cancelled" }, scheduledFor));

            await using var topic = run.Client.CreateSender("orders");
            await topic.SendMessagesAsync([new ServiceBusMessage("t1") { MessageId = "t1" }, new ServiceBusMessage("t2") { MessageId = "t2" }]);
            await using var saga = run.Client.CreateReceiver("orders", "saga", OneAtATime);
            await saga.CompleteMessageAsync(await saga.ReceiveMessageAsync(TimeSpan.FromSeconds(10)));

            queueBefore = (await run.PeekAllAsync("work")).Select(Describe).ToList();
            deadBefore = (await run.PeekAllAsync("work", subQueue: SubQueue.DeadLetter)).Select(Describe).ToList();
            sagaBefore = (await run.PeekAllAsync("orders", "saga")).Select(Describe).ToList();
            auditBefore = (await run.PeekAllAsync("orders", "audit")).Select(Describe).ToList();
        }

        await using (var run = await Run.StartAsync(directory.Path))
        {
            Assert.Equal(queueBefore, (await run.PeekAllAsync("work")).Select(Describe).ToList());
            Assert.Equal(deadBefore, (await run.PeekAllAsync("work", subQueue: SubQueue.DeadLetter)).Select(Describe).ToList());
            Assert.Equal(sagaBefore, (await run.PeekAllAsync("orders", "saga")).Select(Describe).ToList());
            Assert.Equal(auditBefore, (await run.PeekAllAsync("orders", "audit")).Select(Describe).ToList());

            // What the peeks compared, spelled out.
            var queue = await run.PeekAllAsync("work");
            Assert.Equal(["deferred", "abandoned", "active", "scheduled"], queue.Select(m => m.MessageId));
            Assert.Equal([1L, 4L, 5L, 6L], queue.Select(m => m.SequenceNumber));
            Assert.Equal([ServiceBusMessageState.Deferred, ServiceBusMessageState.Active, ServiceBusMessageState.Active, ServiceBusMessageState.Scheduled], queue.Select(m => m.State));
            Assert.Equal([1, 1, 0, 0], queue.Select(m => m.DeliveryCount));
            Assert.Equal(scheduledSequence, queue[3].SequenceNumber);
            Assert.Equal(scheduledFor.ToUnixTimeMilliseconds(), queue[3].ScheduledEnqueueTime.ToUnixTimeMilliseconds());
            var dead = Assert.Single(await run.PeekAllAsync("work", subQueue: SubQueue.DeadLetter));
            Assert.Equal(("dead", 2L, "Unreadable", "the payload is not JSON", "work"), (dead.MessageId, dead.SequenceNumber, dead.DeadLetterReason, dead.DeadLetterErrorDescription, dead.DeadLetterSource));
            Assert.Equal(["t2"], (await run.PeekAllAsync("orders", "saga")).Select(m => m.MessageId));
            Assert.Equal(["t1", "t2"], (await run.PeekAllAsync("orders", "audit")).Select(m => m.MessageId));

            await using var receiver = run.Client.CreateReceiver("work", OneAtATime);
            var abandoned = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(("abandoned", 2), (abandoned.MessageId, abandoned.DeliveryCount));
            Assert.Equal(1, abandoned.ApplicationProperties["attempt"]);
            var active = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(("active", 1, "order.placed.v1", "corr-1", "application/json", "session-1", TimeSpan.FromDays(1)),
                (active.MessageId, active.DeliveryCount, active.Subject, active.CorrelationId, active.ContentType, active.SessionId, active.TimeToLive));
            Assert.Equal(42, active.ApplicationProperties["count"]);
            Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), active.ApplicationProperties["when"]);
            Assert.Equal(Guid.Parse("1b4e28ba-2fa1-11d2-883f-0016d3cca427"), active.ApplicationProperties["id"]);
            var redeemed = await receiver.ReceiveDeferredMessageAsync(deferredSequence);
            Assert.Equal(("deferred", 2), (redeemed.MessageId, redeemed.DeliveryCount));
            await receiver.CompleteMessageAsync(redeemed);

            // Numbers continue above every number handed out, the completed message's included.
            await using var sender = run.Client.CreateSender("work");
            Assert.Equal(8, await sender.ScheduleMessageAsync(new ServiceBusMessage("next") { MessageId = "next" }, DateTimeOffset.UtcNow.AddHours(1)));
            await using var topic = run.Client.CreateSender("orders");
            Assert.Equal(3, await topic.ScheduleMessageAsync(new ServiceBusMessage("t3") { MessageId = "t3" }, DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    [Fact]
    public async Task Completed_and_received_and_deleted_messages_do_not_come_back_after_a_restart()
    {
        using var directory = new TempDirectory();
        await using (var run = await Run.StartAsync(directory.Path))
        {
            await using var sender = run.Client.CreateSender("work");
            await sender.SendMessagesAsync(Enumerable.Range(1, 5).Select(i => new ServiceBusMessage($"m{i}") { MessageId = $"m{i}" }));
            await using var receiver = run.Client.CreateReceiver("work", OneAtATime);
            await receiver.CompleteMessageAsync(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)));
            await receiver.CompleteMessageAsync(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)));
            await using var deleting = run.Client.CreateReceiver("work", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete, PrefetchCount = 0 });
            Assert.Equal("m3", (await deleting.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))?.MessageId);
            var m4 = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("m4", m4?.MessageId);
            await receiver.DeadLetterMessageAsync(m4);
            await using var deadLetters = run.Client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, PrefetchCount = 0 });
            await deadLetters.CompleteMessageAsync(await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10)));
        }

        await using (var run = await Run.StartAsync(directory.Path))
        {
            Assert.Equal(["m5"], (await run.PeekAllAsync("work")).Select(m => m.MessageId));
            Assert.Empty(await run.PeekAllAsync("work", subQueue: SubQueue.DeadLetter));
        }
    }

    [Fact]
    public async Task A_message_locked_at_shutdown_comes_back_with_its_delivery_count_or_is_dead_lettered_when_that_count_is_spent()
    {
        using var directory = new TempDirectory();
        long sequence;
        await using (var run = await Run.StartAsync(directory.Path))
        {
            foreach (var queue in new[] { "work", "once" })
            {
                await using var sender = run.Client.CreateSender(queue);
                await sender.SendMessageAsync(new ServiceBusMessage("locked") { MessageId = $"locked-{queue}" });
                await using var receiver = run.Client.CreateReceiver(queue, OneAtATime);
                Assert.Equal(1, (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))?.DeliveryCount); // and never settled
            }

            sequence = (await run.PeekAllAsync("work")).Single().SequenceNumber;
        }

        await using (var run = await Run.StartAsync(directory.Path))
        {
            var again = await run.ReceiveOneAsync("work");
            Assert.Equal(("locked-work", sequence, 2), (again.MessageId, again.SequenceNumber, again.DeliveryCount));

            // MaxDeliveryCount 1: the lock's expiry would have dead-lettered it, and so does the restart.
            Assert.Empty(await run.PeekAllAsync("once"));
            var dead = await run.ReceiveOneAsync("once", subQueue: SubQueue.DeadLetter);
            Assert.Equal(("locked-once", "MaxDeliveryCountExceeded"), (dead.MessageId, dead.DeadLetterReason));
        }
    }

    [Fact]
    public async Task Duplicate_detection_still_drops_a_message_id_sent_before_the_restart()
    {
        using var directory = new TempDirectory();
        await using (var run = await Run.StartAsync(directory.Path))
        {
            foreach (var entity in new[] { "work", "orders" })
            {
                await using var sender = run.Client.CreateSender(entity);
                await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "evt-1" });
            }

            // Received and completed: the id stays in the window after its message is gone.
            await using var receiver = run.Client.CreateReceiver("work", OneAtATime);
            await receiver.CompleteMessageAsync(await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)));
        }

        await using (var run = await Run.StartAsync(directory.Path))
        {
            foreach (var entity in new[] { "work", "orders" })
            {
                await using var sender = run.Client.CreateSender(entity);
                await sender.SendMessageAsync(new ServiceBusMessage("repeat") { MessageId = "evt-1" });
                await sender.SendMessageAsync(new ServiceBusMessage("second") { MessageId = "evt-2" });
            }

            Assert.Equal(["evt-2"], (await run.PeekAllAsync("work")).Select(m => m.MessageId));
            Assert.Equal(["first", "second"], (await run.PeekAllAsync("orders", "saga")).Select(m => m.Body.ToString()));
        }
    }

    [Fact]
    public async Task Receivers_waiting_after_a_restart_get_restored_scheduled_messages_when_they_come_due()
    {
        using var directory = new TempDirectory();
        // Far enough ahead that the restart finishes first on a busy machine; the receivers wait up to 15 s.
        var due = DateTimeOffset.UtcNow.AddSeconds(3);
        await using (var run = await Run.StartAsync(directory.Path))
        {
            await using var queue = run.Client.CreateSender("work");
            await queue.ScheduleMessageAsync(new ServiceBusMessage("q") { MessageId = "scheduled-q" }, due);
            await using var topic = run.Client.CreateSender("orders");
            await topic.ScheduleMessageAsync(new ServiceBusMessage("t") { MessageId = "scheduled-t" }, due); // waits at the topic, not in a subscription
        }

        await using (var run = await Run.StartAsync(directory.Path))
        {
            await using var work = run.Client.CreateReceiver("work", OneAtATime);
            await using var saga = run.Client.CreateReceiver("orders", "saga", OneAtATime);
            var waiting = new[] { work.ReceiveMessageAsync(TimeSpan.FromSeconds(15)), saga.ReceiveMessageAsync(TimeSpan.FromSeconds(15)) };

            var received = await Task.WhenAll(waiting);

            Assert.Equal(["scheduled-q", "scheduled-t"], received.Select(m => m?.MessageId));
            Assert.All(received, m => Assert.True(DateTimeOffset.UtcNow >= due.AddMilliseconds(-50)));
        }
    }

    [Fact]
    public async Task A_second_emulator_on_a_data_directory_in_use_is_refused_with_the_file_named()
    {
        using var directory = new TempDirectory();
        await using var first = await Run.StartAsync(directory.Path);

        var refused = await Assert.ThrowsAsync<EmulatorStoreException>(() => Run.StartAsync(directory.Path));

        Assert.Equal(first.Emulator.StorePath, refused.StorePath);
        Assert.Contains(refused.StorePath, refused.Message);
        Assert.Contains("in use by another emulator", refused.Message);
        await using var sender = first.Client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("still served"));
    }

    [Theory]
    [InlineData("not a database")]
    [InlineData("damaged pages")]
    public async Task A_corrupt_store_fails_the_start_with_one_message_naming_the_file(string damage)
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "servicebus-emulator.db");
        if (damage == "not a database")
        {
            Directory.CreateDirectory(directory.Path);
            await File.WriteAllTextAsync(file, "these bytes were never an emulator store, or any SQLite file at all");
        }
        else
        {
            await using (var run = await Run.StartAsync(directory.Path))
            {
                await using var sender = run.Client.CreateSender("work");
                await sender.SendMessagesAsync(Enumerable.Range(0, 50).Select(i => new ServiceBusMessage(new string('x', 2000)) { MessageId = $"m{i}" }));
            }

            // Keep SQLite's header page, overwrite everything after it.
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.Length > 8192, "the store should span several pages");
            for (var i = 4096; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(i * 31);
            }

            await File.WriteAllBytesAsync(file, bytes);
        }

        var error = await Assert.ThrowsAsync<EmulatorStoreException>(() => Run.StartAsync(directory.Path));

        Assert.Equal(file, error.StorePath);
        Assert.StartsWith($"Service Bus emulator store '{file}': ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}

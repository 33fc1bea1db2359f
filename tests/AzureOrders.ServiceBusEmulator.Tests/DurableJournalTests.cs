using AzureOrders.ServiceBusEmulator.Broker;
using AzureOrders.ServiceBusEmulator.Persistence;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>The journal below the broker: what one commit leaves in the file.</summary>
public class DurableJournalTests
{
    static BrokeredMessage Message(long sequenceNumber, string id)
    {
        using var amqp = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>("body"u8.ToArray()) });
        amqp.Properties.MessageId = id;
        var message = BrokeredMessage.FromAmqp(amqp);
        message.SequenceNumber = sequenceNumber;
        message.EnqueuedTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return message;
    }

    [Fact]
    public async Task Changes_to_one_row_within_a_commit_leave_only_its_end_state()
    {
        using var directory = new TempDirectory();
        var earlier = DurableJournal.Open(directory.Path, NullLogger.Instance);
        earlier.Append(JournalOp.Put("q", Message(3, "from-an-earlier-commit")));
        earlier.Start();
        await earlier.WhenDurable;
        earlier.Dispose();

        // Appended before the writer starts, so all of it is one commit.
        var journal = DurableJournal.Open(directory.Path, NullLogger.Instance);
        var gone = Message(1, "sent-delivered-completed");
        var kept = Message(2, "sent-delivered");
        journal.Append([JournalOp.Put("q", gone), JournalOp.Sequence("q", 1)]);
        journal.Append([JournalOp.Put("q", kept), JournalOp.Sequence("q", 2)]);
        gone.DeliveryCount = 1;
        journal.Append(JournalOp.Update("q", gone));
        journal.Append(JournalOp.Delete("q", 1));
        kept.DeliveryCount = 1;
        kept.State = MessageState.Deferred;
        journal.Append(JournalOp.Update("q", kept));
        journal.Append(JournalOp.Delete("q", 3));
        journal.Start();
        await journal.WhenDurable;
        journal.Dispose();

        Assert.Equal(1, journal.Commits);
        Assert.Equal(3, journal.OperationsCoalesced); // gone's insert and update, kept's update
        var reopened = DurableJournal.Open(directory.Path, NullLogger.Instance);
        var state = reopened.Load();
        reopened.Dispose();

        var (entity, message) = Assert.Single(state.Messages);
        Assert.Equal(("q", 2L, "sent-delivered", 1, MessageState.Deferred), (entity, message.SequenceNumber, message.Properties.MessageId, message.DeliveryCount, message.State));
        Assert.Equal(2, state.Sequences["q"]);
    }
}

/// <summary>The emulator answers a write only after its commit: with commits held, the client keeps waiting.</summary>
public class AcknowledgementTests
{
    [Fact]
    public async Task Sends_settlements_and_schedules_are_acknowledged_only_after_they_are_committed()
    {
        using var directory = new TempDirectory();
        await using var emulator = await ServiceBusEmulator.StartAsync(
            new Configuration.EmulatorConfig { Queues = [new Configuration.QueueDefinition("work")] },
            new EmulatorOptions { DataDirectory = directory.Path });
        await using var client = new Azure.Messaging.ServiceBus.ServiceBusClient(emulator.ConnectionString);
        await using var sender = client.CreateSender("work");
        await using var receiver = client.CreateReceiver("work", new Azure.Messaging.ServiceBus.ServiceBusReceiverOptions { PrefetchCount = 0 });
        var journal = emulator.Journal!;

        async Task AcknowledgedOnlyAfterCommitAsync(Func<Task> write, Func<Task<bool>> appliedInMemory)
        {
            journal.HoldCommits();
            var acknowledged = write();
            // Once the broker shows the change, only the commit stands between it and the answer.
            Assert.True(await Poll.UntilAsync(appliedInMemory, TimeSpan.FromSeconds(10)));
            Assert.False(acknowledged.IsCompleted);
            journal.ReleaseCommits();
            await acknowledged.WaitAsync(TimeSpan.FromSeconds(10));
        }

        await AcknowledgedOnlyAfterCommitAsync(
            () => sender.SendMessageAsync(new Azure.Messaging.ServiceBus.ServiceBusMessage("x") { MessageId = "m" }),
            () => Task.FromResult(emulator.GetMessageCounts().Single().ActiveMessageCount == 1));
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(message);
        await AcknowledgedOnlyAfterCommitAsync(
            () => receiver.CompleteMessageAsync(message),
            () => Task.FromResult(emulator.GetMessageCounts().Single().ActiveMessageCount == 0));
        await AcknowledgedOnlyAfterCommitAsync(
            () => sender.ScheduleMessageAsync(new Azure.Messaging.ServiceBus.ServiceBusMessage("later"), DateTimeOffset.UtcNow.AddHours(1)),
            () => Task.FromResult(emulator.GetMessageCounts().Single().ScheduledMessageCount == 1));
    }
}

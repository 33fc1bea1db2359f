using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class PeekLockTests
{
    static QueueDefinition Queue(TimeSpan? lockDuration = null, int maxDeliveryCount = 10) =>
        new("work") { LockDuration = lockDuration ?? TimeSpan.FromSeconds(30), MaxDeliveryCount = maxDeliveryCount };

    static async Task SendAsync(EmulatorScope scope, params ServiceBusMessage[] messages)
    {
        await using var sender = scope.Client.CreateSender("work");
        await sender.SendMessagesAsync(messages);
    }

    [Fact]
    public async Task A_locked_message_carries_LockedUntil_from_the_lock_duration()
    {
        await using var scope = await EmulatorScope.StartAsync(Queue(TimeSpan.FromSeconds(20)));
        await SendAsync(scope, new ServiceBusMessage("x"));
        await using var receiver = scope.Client.CreateReceiver("work");

        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(message);
        Assert.NotEqual(Guid.Empty.ToString(), message.LockToken);
        var remaining = message.LockedUntil - DateTimeOffset.UtcNow;
        Assert.InRange(remaining.TotalSeconds, 15, 21);
    }

    [Fact]
    public async Task When_the_lock_expires_the_message_comes_back_with_DeliveryCount_plus_one_and_the_old_lock_is_lost()
    {
        // Long enough that the redelivered message can still be completed on a busy machine.
        await using var scope = await EmulatorScope.StartAsync(Queue(TimeSpan.FromSeconds(2)));
        await SendAsync(scope, new ServiceBusMessage("slow") { MessageId = "slow-1" });
        await using var receiver = scope.Client.CreateReceiver("work");

        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.Equal(1, first.DeliveryCount);

        var second = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(second);
        Assert.Equal("slow-1", second.MessageId);
        Assert.Equal(2, second.DeliveryCount);
        Assert.NotEqual(first.LockToken, second.LockToken);

        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
        await receiver.CompleteMessageAsync(second);
    }

    [Fact]
    public async Task The_processor_renews_locks_automatically_while_the_handler_runs()
    {
        // A 4 s lock renewed every ~2 s leaves room for a busy machine; the handler outlives two lock durations.
        await using var scope = await EmulatorScope.StartAsync(Queue(TimeSpan.FromSeconds(4)));
        await SendAsync(scope, new ServiceBusMessage("long-running"));
        await using var processor = scope.Client.CreateProcessor("work", new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxAutoLockRenewalDuration = TimeSpan.FromMinutes(1),
        });
        var deliveries = 0;
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        processor.ProcessMessageAsync += async args =>
        {
            Interlocked.Increment(ref deliveries);
            await Task.Delay(TimeSpan.FromSeconds(9)); // longer than two lock durations
            try
            {
                await args.CompleteMessageAsync(args.Message);
                outcome.TrySetResult(null);
            }
            catch (Exception e)
            {
                outcome.TrySetResult(e);
            }
        };
        processor.ProcessErrorAsync += _ => Task.CompletedTask;

        await processor.StartProcessingAsync();
        var error = await outcome.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await processor.StopProcessingAsync();

        Assert.Null(error);
        Assert.Equal(1, deliveries);
    }

    [Fact]
    public async Task Abandon_applies_propertiesToModify_and_redelivers_with_a_higher_DeliveryCount()
    {
        await using var scope = await EmulatorScope.StartAsync(Queue());
        await SendAsync(scope, new ServiceBusMessage("retry") { ApplicationProperties = { ["attempt"] = 0 } });
        await using var receiver = scope.Client.CreateReceiver("work");

        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        await receiver.AbandonMessageAsync(first, new Dictionary<string, object> { ["attempt"] = 1, ["lastError"] = "timeout" });

        var second = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(second);
        Assert.Equal(2, second.DeliveryCount);
        Assert.Equal(1, second.ApplicationProperties["attempt"]);
        Assert.Equal("timeout", second.ApplicationProperties["lastError"]);
        await receiver.CompleteMessageAsync(second);
    }

    [Fact]
    public async Task A_second_settlement_fails_with_MessageLockLost()
    {
        await using var scope = await EmulatorScope.StartAsync(Queue());
        await SendAsync(scope, new ServiceBusMessage("once"));
        await using var receiver = scope.Client.CreateReceiver("work");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(message);
        await receiver.CompleteMessageAsync(message);

        var complete = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(message));
        var abandon = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.AbandonMessageAsync(message));
        var renew = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.RenewMessageLockAsync(message));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, complete.Reason);
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, abandon.Reason);
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, renew.Reason);
    }

    [Fact]
    public async Task Defer_hides_the_message_until_ReceiveDeferredMessages_by_sequence_number()
    {
        await using var scope = await EmulatorScope.StartAsync(Queue());
        await SendAsync(scope, new ServiceBusMessage("later") { MessageId = "d1" }, new ServiceBusMessage("now") { MessageId = "n1" });
        await using var receiver = scope.Client.CreateReceiver("work");

        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("d1", first?.MessageId);
        await receiver.DeferMessageAsync(first!, new Dictionary<string, object> { ["deferredBy"] = "test" });
        var next = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("n1", next?.MessageId);
        await receiver.CompleteMessageAsync(next!);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));

        var deferred = await receiver.ReceiveDeferredMessagesAsync([first!.SequenceNumber]);
        var message = Assert.Single(deferred);
        Assert.Equal("d1", message.MessageId);
        Assert.Equal("test", message.ApplicationProperties["deferredBy"]);
        Assert.Equal(ServiceBusMessageState.Deferred, message.State);
        await receiver.CompleteMessageAsync(message);

        var gone = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveDeferredMessagesAsync([first.SequenceNumber]));
        Assert.Equal(ServiceBusFailureReason.MessageNotFound, gone.Reason);
        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }

    [Fact]
    public async Task A_transfer_that_arrives_after_a_receive_timed_out_is_released_and_redelivered_without_counting()
    {
        await using var scope = await EmulatorScope.StartAsync(Queue(TimeSpan.FromMinutes(1)));
        await using var receiver = scope.Client.CreateReceiver("work");
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200))); // leaves its credit with the emulator

        await SendAsync(scope, new ServiceBusMessage("late") { MessageId = "late" });
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("late", message?.MessageId);
        Assert.Equal(1, message?.DeliveryCount);
        await receiver.CompleteMessageAsync(message!);
    }

    [Fact]
    public async Task Closing_a_receiver_with_outstanding_credit_answers_its_drain_promptly()
    {
        await using var scope = await EmulatorScope.StartAsync(Queue());
        var receiver = scope.Client.CreateReceiver("work", new ServiceBusReceiverOptions { PrefetchCount = 20 });
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200))); // credit granted, nothing to send

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await receiver.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"closing took {stopwatch.Elapsed}");
    }
}

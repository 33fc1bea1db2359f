using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>A clock the test moves; the emulator's sweep runs when the test calls RunMaintenance.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>Time-driven behaviour with a controlled clock: hours pass in no time, nothing sleeps.</summary>
public class ManualClockTests
{
    static async Task<(ServiceBusEmulator Emulator, ServiceBusClient Client, ManualTimeProvider Clock)> StartAsync(params QueueDefinition[] queues)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var emulator = await TestEmulators.StartAsync(new EmulatorConfig { Queues = queues }, loggerFactory: DebugLog.Factory, timeProvider: clock);
        return (emulator, new ServiceBusClient(emulator.ConnectionString), clock);
    }

    [Fact]
    public async Task A_five_minute_lock_expires_when_the_clock_passes_it()
    {
        var (emulator, client, clock) = await StartAsync(new QueueDefinition("work") { LockDuration = TimeSpan.FromMinutes(5) });
        await using var _ = emulator;
        await using var __ = client;
        await using var sender = client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = "m" });
        await using var receiver = client.CreateReceiver("work");
        var first = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.Equal(clock.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds(), first.LockedUntil.ToUnixTimeMilliseconds(), 1.0);

        clock.Advance(TimeSpan.FromMinutes(4));
        emulator.RunMaintenance();
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));

        clock.Advance(TimeSpan.FromMinutes(1.5));
        emulator.RunMaintenance();
        var second = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, second?.DeliveryCount);
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    [Fact]
    public async Task An_entity_default_TTL_of_an_hour_dead_letters_after_an_hour()
    {
        var (emulator, client, clock) = await StartAsync(new QueueDefinition("work") { DefaultMessageTimeToLive = TimeSpan.FromHours(1), DeadLetteringOnMessageExpiration = true });
        await using var _ = emulator;
        await using var __ = client;
        await using var sender = client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = "old" });
        await using var deadLetters = client.CreateReceiver("work", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });

        clock.Advance(TimeSpan.FromMinutes(59));
        emulator.RunMaintenance();
        Assert.Empty(await deadLetters.PeekMessagesAsync(10));

        clock.Advance(TimeSpan.FromMinutes(2));
        emulator.RunMaintenance();
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("old", dead?.MessageId);
        Assert.Equal("TTLExpiredException", dead?.DeadLetterReason);
    }

    [Fact]
    public async Task The_duplicate_detection_window_is_measured_on_the_emulator_clock()
    {
        var (emulator, client, clock) = await StartAsync(new QueueDefinition("work") { RequiresDuplicateDetection = true, DuplicateDetectionHistoryTimeWindow = TimeSpan.FromMinutes(10) });
        await using var _ = emulator;
        await using var __ = client;
        await using var sender = client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("1") { MessageId = "evt" });
        clock.Advance(TimeSpan.FromMinutes(9));
        await sender.SendMessageAsync(new ServiceBusMessage("2") { MessageId = "evt" });
        clock.Advance(TimeSpan.FromMinutes(2));
        await sender.SendMessageAsync(new ServiceBusMessage("3") { MessageId = "evt" });

        await using var receiver = client.CreateReceiver("work", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var bodies = new List<string>();
        while (await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(400)) is { } m)
        {
            bodies.Add(m.Body.ToString());
        }

        Assert.Equal(["1", "3"], bodies);
    }

    [Fact]
    public async Task A_message_scheduled_for_tomorrow_arrives_when_the_clock_gets_there()
    {
        var (emulator, client, clock) = await StartAsync(new QueueDefinition("work"));
        await using var _ = emulator;
        await using var __ = client;
        await using var sender = client.CreateSender("work");
        await sender.ScheduleMessageAsync(new ServiceBusMessage("tomorrow") { MessageId = "t" }, clock.GetUtcNow().AddDays(1));
        await using var receiver = client.CreateReceiver("work");

        clock.Advance(TimeSpan.FromHours(23));
        emulator.RunMaintenance();
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));

        clock.Advance(TimeSpan.FromHours(2));
        emulator.RunMaintenance();
        Assert.Equal("t", (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))?.MessageId);
    }

    [Fact]
    public async Task RenewMessageLock_extends_the_lock_from_the_time_of_renewal()
    {
        var (emulator, client, clock) = await StartAsync(new QueueDefinition("work") { LockDuration = TimeSpan.FromMinutes(2) });
        await using var _ = emulator;
        await using var __ = client;
        await using var sender = client.CreateSender("work");
        await sender.SendMessageAsync(new ServiceBusMessage("renew"));
        await using var receiver = client.CreateReceiver("work");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(message);

        clock.Advance(TimeSpan.FromMinutes(1.5));
        await receiver.RenewMessageLockAsync(message);
        Assert.Equal(clock.GetUtcNow().AddMinutes(2).ToUnixTimeMilliseconds(), message.LockedUntil.ToUnixTimeMilliseconds(), 1.0);
        clock.Advance(TimeSpan.FromMinutes(1.5)); // 3 minutes after receipt: alive only because of the renewal
        emulator.RunMaintenance();

        await receiver.CompleteMessageAsync(message);
        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }
}

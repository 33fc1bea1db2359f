using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class QueueBasicsTests
{
    [Fact]
    public async Task A_message_sent_to_a_queue_is_received_and_completed()
    {
        await using var scope = await EmulatorScope.StartAsync(new QueueDefinition("orders-q"));
        await using var sender = scope.Client.CreateSender("orders-q");
        await sender.SendMessageAsync(new ServiceBusMessage("hello") { MessageId = "m1" });

        await using var receiver = scope.Client.CreateReceiver("orders-q");
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(message);
        Assert.Equal("hello", message.Body.ToString());
        Assert.Equal("m1", message.MessageId);
        Assert.Equal(1, message.DeliveryCount);
        Assert.True(message.SequenceNumber > 0);
        await receiver.CompleteMessageAsync(message);

        Assert.Empty(await receiver.PeekMessagesAsync(10));
    }
}

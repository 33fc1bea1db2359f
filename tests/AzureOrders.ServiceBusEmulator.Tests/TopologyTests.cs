using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>The project's own topology file drives the emulator, and its routing works end to end.</summary>
public class TopologyTests
{
    static string TopologyPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AzureOrders.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "infra", "topology.json");
    }

    [Fact]
    public void The_topology_file_loads_with_its_settings()
    {
        var config = TopologyLoader.LoadFile(TopologyPath());

        var orders = Assert.Single(config.Topics, t => t.Name == "orders");
        Assert.True(orders.RequiresDuplicateDetection);
        var saga = Assert.Single(orders.Subscriptions, s => s.Name == "saga");
        Assert.Equal(10, saga.MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromMinutes(1), saga.LockDuration);
        Assert.True(saga.DeadLetteringOnFilterEvaluationExceptions);
        Assert.Contains(saga.Rules, r => r.Filter is CorrelationRuleFilter { Subject: "order.placed.v1" });
        Assert.Contains(saga.Rules, r => r.Filter is CorrelationRuleFilter c && Equals(c.Properties.GetValueOrDefault("redeliverTo"), "orders/saga"));
        Assert.NotEmpty(config.Queues);
    }

    [Fact]
    public void ConfigFile_tells_the_topology_from_an_official_Config_json()
    {
        var fromTopology = ConfigFile.Load(TopologyPath());
        var officialPath = Path.Combine(Path.GetDirectoryName(TopologyPath())!, "local", "servicebus-emulator", "Config.json");

        Assert.Equal(TopologyLoader.LoadFile(TopologyPath()).Topics.Select(t => t.Name), fromTopology.Topics.Select(t => t.Name));
        if (File.Exists(officialPath))
        {
            Assert.Equal(
                fromTopology.Topics.SelectMany(t => t.Subscriptions.Select(s => $"{t.Name}/{s.Name}")).Order(),
                ConfigFile.Load(officialPath).Topics.SelectMany(t => t.Subscriptions.Select(s => $"{t.Name}/{s.Name}")).Order());
        }
    }

    [Fact]
    public async Task Routing_on_the_project_topology_delivers_events_to_their_consumers_and_redeliveries_to_one()
    {
        var config = TopologyLoader.LoadFile(TopologyPath());
        await using var scope = await EmulatorScope.StartAsync(config);
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessagesAsync(
        [
            new ServiceBusMessage("{}") { MessageId = "evt-placed", Subject = "order.placed.v1", ContentType = "application/json" },
            new ServiceBusMessage("{}") { MessageId = "evt-resubmit", Subject = "order.placed.v1", ApplicationProperties = { ["redeliverTo"] = "orders/notifications" } },
        ]);

        var perSubscription = new Dictionary<string, List<string>>();
        foreach (var subscription in config.Topics.Single(t => t.Name == "orders").Subscriptions)
        {
            await using var receiver = scope.Client.CreateReceiver("orders", subscription.Name, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
            var ids = new List<string>();
            while (await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)) is { } message)
            {
                ids.Add(message.MessageId);
            }

            perSubscription[subscription.Name] = ids;
        }

        // The resubmitted copy matches the label rules of every subscriber too, so it reaches all of them;
        // a redelivery meant for one consumer carries a subject no rule of the others matches.
        // Payments subscribes to order.cancelled only: order.placed reaches every other subscription, never that one.
        Assert.All(perSubscription.Where(p => p.Key != "payments").Select(p => p.Value), ids => Assert.Contains("evt-placed", ids));
        Assert.Empty(perSubscription["payments"]);
        await sender.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "evt-targeted", Subject = "redelivery", ApplicationProperties = { ["redeliverTo"] = "orders/saga" } });
        foreach (var subscription in perSubscription.Keys)
        {
            await using var receiver = scope.Client.CreateReceiver("orders", subscription, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(subscription == "saga" ? 5000 : 300));
            Assert.Equal(subscription == "saga" ? "evt-targeted" : null, message?.MessageId);
        }

        await using var commands = scope.Client.CreateSender("inventory-commands");
        await commands.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "cmd-1", Subject = "inventory.reserve.v1" });
        await using var commandReceiver = scope.Client.CreateReceiver("inventory-commands");
        Assert.Equal("cmd-1", (await commandReceiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10)))?.MessageId);
    }
}

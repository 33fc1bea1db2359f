using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>Subscription rules through the real client: the shapes the project's topology uses, plus SQL filters and actions.</summary>
public class RoutingTests
{
    static RuleDefinition Label(string name, string label) => new(name, new CorrelationRuleFilter { Subject = label });

    static RuleDefinition RedeliverTo(string target) =>
        new("redelivery", new CorrelationRuleFilter { Properties = new Dictionary<string, object?> { ["redeliverTo"] = target } });

    static EmulatorConfig Topology() => new()
    {
        Topics =
        [
            new TopicDefinition("orders")
            {
                Subscriptions =
                [
                    new SubscriptionDefinition("saga") { Rules = [Label("order-placed-v1", "order.placed.v1"), RedeliverTo("orders/saga")] },
                    new SubscriptionDefinition("notifications")
                    {
                        Rules = [Label("order-placed-v1", "order.placed.v1"), Label("order-confirmed-v1", "order.confirmed.v1"), RedeliverTo("orders/notifications")],
                    },
                    new SubscriptionDefinition("big-orders") { Rules = [new RuleDefinition("big", new SqlRuleFilter("sys.Label LIKE 'order.%' AND totalInCents >= 10000"))] },
                    new SubscriptionDefinition("eu")
                    {
                        Rules =
                        [
                            new RuleDefinition("eu", new SqlRuleFilter("region IN ('eu-west', 'eu-north') AND EXISTS(customerId)"))
                            {
                                SqlAction = "SET routedBy = 'eu-rule'; SET sys.Label = 'eu.' + sys.Label; REMOVE internalNote",
                            },
                        ],
                    },
                    new SubscriptionDefinition("strict")
                    {
                        DeadLetteringOnFilterEvaluationExceptions = true,
                        Rules = [new RuleDefinition("numeric", new SqlRuleFilter("priority + 1 > 5"))],
                    },
                    new SubscriptionDefinition("lenient")
                    {
                        DeadLetteringOnFilterEvaluationExceptions = false,
                        Rules = [new RuleDefinition("numeric", new SqlRuleFilter("priority + 1 > 5"))],
                    },
                ],
            },
        ],
    };

    static async Task<List<string>> DrainAsync(EmulatorScope scope, string subscription, SubQueue subQueue = SubQueue.None)
    {
        await using var receiver = scope.Client.CreateReceiver("orders", subscription, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete, SubQueue = subQueue });
        var ids = new List<string>();
        while (await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(400)) is { } message)
        {
            ids.Add(message.MessageId);
        }

        return ids;
    }

    [Fact]
    public async Task Correlation_filters_route_by_label_and_targeted_redelivery_reaches_only_the_named_subscription()
    {
        await using var scope = await EmulatorScope.StartAsync(Topology());
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessagesAsync(
        [
            new ServiceBusMessage("{}") { MessageId = "placed", Subject = "order.placed.v1" },
            new ServiceBusMessage("{}") { MessageId = "confirmed", Subject = "order.confirmed.v1" },
            new ServiceBusMessage("{}") { MessageId = "unknown", Subject = "order.exploded.v1" },
            new ServiceBusMessage("{}") { MessageId = "redelivered", Subject = "order.placed.v1", ApplicationProperties = { ["redeliverTo"] = "orders/saga" } },
            new ServiceBusMessage("{}") { MessageId = "retry-notify", Subject = "order.shipped.v1", ApplicationProperties = { ["redeliverTo"] = "orders/notifications" } },
        ]);

        Assert.Equal(["placed", "redelivered"], await DrainAsync(scope, "saga"));
        Assert.Equal(["placed", "confirmed", "redelivered", "retry-notify"], await DrainAsync(scope, "notifications"));
    }

    [Fact]
    public async Task A_message_matching_several_rules_is_delivered_once_and_one_matching_no_rule_skips_the_subscription()
    {
        await using var scope = await EmulatorScope.StartAsync(Topology());
        await using var sender = scope.Client.CreateSender("orders");
        // Matches both the label rule and the redelivery rule of "saga": still one copy.
        await sender.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "both", Subject = "order.placed.v1", ApplicationProperties = { ["redeliverTo"] = "orders/saga" } });
        await sender.SendMessageAsync(new ServiceBusMessage("{}") { MessageId = "none", Subject = "inventory.reserved.v1" });

        Assert.Equal(["both"], await DrainAsync(scope, "saga"));
        Assert.Empty(await DrainAsync(scope, "big-orders"));
    }

    [Fact]
    public async Task Sql_filters_see_system_and_application_properties()
    {
        await using var scope = await EmulatorScope.StartAsync(Topology());
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessagesAsync(
        [
            new ServiceBusMessage("{}") { MessageId = "big", Subject = "order.placed.v1", ApplicationProperties = { ["totalInCents"] = 25_000 } },
            new ServiceBusMessage("{}") { MessageId = "small", Subject = "order.placed.v1", ApplicationProperties = { ["totalInCents"] = 3998 } },
            new ServiceBusMessage("{}") { MessageId = "big-but-payment", Subject = "payment.completed.v1", ApplicationProperties = { ["totalInCents"] = 25_000L } },
            new ServiceBusMessage("{}") { MessageId = "no-total", Subject = "order.placed.v1" },
        ]);

        Assert.Equal(["big"], await DrainAsync(scope, "big-orders"));
    }

    [Fact]
    public async Task Sql_actions_set_and_remove_properties_on_the_subscription_copy_only()
    {
        await using var scope = await EmulatorScope.StartAsync(Topology());
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessageAsync(new ServiceBusMessage("{}")
        {
            MessageId = "eu-order",
            Subject = "order.placed.v1",
            ApplicationProperties = { ["region"] = "eu-west", ["customerId"] = "cust_456", ["internalNote"] = "secret" },
        });

        await using var eu = scope.Client.CreateReceiver("orders", "eu");
        var routed = await eu.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        await using var saga = scope.Client.CreateReceiver("orders", "saga");
        var original = await saga.ReceiveMessageAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(routed);
        Assert.Equal("eu.order.placed.v1", routed.Subject);
        Assert.Equal("eu-rule", routed.ApplicationProperties["routedBy"]);
        Assert.False(routed.ApplicationProperties.ContainsKey("internalNote"));
        Assert.NotNull(original);
        Assert.Equal("order.placed.v1", original.Subject);
        Assert.Equal("secret", original.ApplicationProperties["internalNote"]);
        Assert.False(original.ApplicationProperties.ContainsKey("routedBy"));
    }

    [Fact]
    public async Task A_filter_evaluation_error_dead_letters_only_where_DeadLetteringOnFilterEvaluationExceptions_is_set()
    {
        await using var scope = await EmulatorScope.StartAsync(Topology());
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessagesAsync(
        [
            new ServiceBusMessage("{}") { MessageId = "bad-type", ApplicationProperties = { ["priority"] = "high" } },
            new ServiceBusMessage("{}") { MessageId = "urgent", ApplicationProperties = { ["priority"] = 9 } },
        ]);

        Assert.Equal(["urgent"], await DrainAsync(scope, "strict"));
        Assert.Equal(["urgent"], await DrainAsync(scope, "lenient"));
        await using var deadLetters = scope.Client.CreateReceiver("orders", "strict", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        var dead = await deadLetters.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("bad-type", dead?.MessageId);
        Assert.Equal("FilterEvaluationException", dead?.DeadLetterReason);
        Assert.Empty(await DrainAsync(scope, "lenient", SubQueue.DeadLetter));
    }

    [Fact]
    public async Task A_subscription_without_rules_gets_the_default_match_all_rule()
    {
        await using var scope = await EmulatorScope.StartAsync(new EmulatorConfig
        {
            Topics = [new TopicDefinition("orders") { Subscriptions = [new SubscriptionDefinition("audit")] }],
        });
        await using var sender = scope.Client.CreateSender("orders");
        await sender.SendMessagesAsync([new ServiceBusMessage("a") { MessageId = "a" }, new ServiceBusMessage("b") { MessageId = "b", Subject = "anything" }]);

        Assert.Equal(["a", "b"], await DrainAsync(scope, "audit"));
    }
}

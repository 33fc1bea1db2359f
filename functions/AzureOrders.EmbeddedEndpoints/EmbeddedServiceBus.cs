using System.Xml;
using AzureOrders.Messaging;
using AzureOrders.ServiceBusEmulator.Configuration;
using Microsoft.Extensions.Logging;
using Emulator = AzureOrders.ServiceBusEmulator.ServiceBusEmulator;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>
/// The in-process Service Bus emulator loaded with the project's one topology (infra/topology.json), so local
/// runs and tests route exactly as Azure does. Settings come across unchanged except where a test asks for
/// shorter locks (lock expiry is the redelivery backoff, and a minute is long in a test).
/// </summary>
public static class EmbeddedServiceBus
{
    public static Task<Emulator> StartAsync(
        Topology? topology = null,
        int port = 0,
        TimeSpan? lockDuration = null,
        int? maxDeliveryCount = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default) =>
        Emulator.StartAsync(ToEmulatorConfig(topology ?? Topology.Default, lockDuration, maxDeliveryCount), port, loggerFactory, cancellationToken: cancellationToken);

    public static EmulatorConfig ToEmulatorConfig(Topology topology, TimeSpan? lockDuration = null, int? maxDeliveryCount = null) => new()
    {
        Queues =
        [
            .. topology.Queues.Select(q => new QueueDefinition(q.Name)
            {
                LockDuration = lockDuration ?? XmlConvert.ToTimeSpan(q.LockDuration),
                MaxDeliveryCount = maxDeliveryCount ?? q.MaxDeliveryCount,
                DefaultMessageTimeToLive = Duration(q.DefaultMessageTimeToLive),
                DeadLetteringOnMessageExpiration = q.DeadLetteringOnMessageExpiration,
                RequiresDuplicateDetection = q.RequiresDuplicateDetection,
                DuplicateDetectionHistoryTimeWindow = Duration(q.DuplicateDetectionHistoryTimeWindow, TimeSpan.FromMinutes(10)),
            }),
        ],
        Topics =
        [
            .. topology.Topics.Select(t => new TopicDefinition(t.Name)
            {
                DefaultMessageTimeToLive = Duration(t.DefaultMessageTimeToLive),
                RequiresDuplicateDetection = t.RequiresDuplicateDetection,
                DuplicateDetectionHistoryTimeWindow = Duration(t.DuplicateDetectionHistoryTimeWindow, TimeSpan.FromMinutes(10)),
                Subscriptions =
                [
                    .. t.Subscriptions.Select(s => new SubscriptionDefinition(s.Name)
                    {
                        LockDuration = lockDuration ?? s.LockDurationTimeSpan,
                        MaxDeliveryCount = maxDeliveryCount ?? s.MaxDeliveryCount,
                        DefaultMessageTimeToLive = Duration(s.DefaultMessageTimeToLive),
                        DeadLetteringOnMessageExpiration = s.DeadLetteringOnMessageExpiration,
                        DeadLetteringOnFilterEvaluationExceptions = s.DeadLetteringOnFilterEvaluationExceptions,
                        Rules = [.. s.Rules.Select(ToRule)],
                    }),
                ],
            }),
        ],
    };

    private static RuleDefinition ToRule(RuleSpec rule) => rule switch
    {
        { CorrelationFilter: { } filter } => new RuleDefinition(rule.Name, new CorrelationRuleFilter
        {
            Subject = filter.Label,
            CorrelationId = filter.CorrelationId,
            MessageId = filter.MessageId,
            Properties = filter.Properties?.ToDictionary(p => p.Key, p => (object?)p.Value) ?? [],
        }),
        { SqlFilter: { } sql } => new RuleDefinition(rule.Name, new SqlRuleFilter(sql)),
        _ => throw new InvalidOperationException($"Rule '{rule.Name}' has neither a correlation nor a SQL filter."),
    };

    private static TimeSpan Duration(string? iso8601, TimeSpan? fallback = null) =>
        iso8601 is null ? fallback ?? TimeSpan.MaxValue : XmlConvert.ToTimeSpan(iso8601);
}

using AzureOrders.Messaging;

namespace AzureOrders.ServiceBus;

/// <summary>
/// The settlement verbs a host offers for the message it is processing: the Function App adapts
/// ServiceBusMessageActions, the local runner ProcessMessageEventArgs, tests record.
/// </summary>
public interface ISettlementActions
{
    Task CompleteAsync(CancellationToken cancellationToken);

    Task DeadLetterAsync(string reason, string description, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken);
}

/// <summary>
/// Thrown to hand a transient failure back to the host: the message stays unsettled, its lock expires and
/// the broker redelivers it (the lock duration is the backoff); after maxDeliveryCount it is dead-lettered.
/// </summary>
public sealed class TransientMessageFailureException(string message, Exception inner, TimeSpan suggestedDelay)
    : Exception(message, inner)
{
    public TimeSpan SuggestedDelay { get; } = suggestedDelay;
}

/// <summary>Carries out the pipeline's decision. Every host settles through here, so every consumer settles alike.</summary>
public static class SettlementExecutor
{
    public static async Task ApplyAsync(Settlement settlement, ISettlementActions actions, CancellationToken cancellationToken)
    {
        switch (settlement)
        {
            case Settlement.Complete:
                await actions.CompleteAsync(cancellationToken);
                break;
            case Settlement.DeadLetter deadLetter:
                await actions.DeadLetterAsync(deadLetter.ReasonCode, Truncate(deadLetter.Description), deadLetter.Properties, cancellationToken);
                break;
            case Settlement.Retry retry:
                throw new TransientMessageFailureException(
                    $"Transient failure, the message will be redelivered: {retry.Exception.Message}", retry.Exception, retry.Delay);
            default:
                throw new InvalidOperationException($"Unknown settlement {settlement.GetType().Name}.");
        }
    }

    // Service Bus caps the dead-letter description at 4 KB; keep the start, which says what was wrong.
    private static string Truncate(string description) => description.Length <= 4000 ? description : description[..3997] + "...";
}

namespace AzureOrders.Messaging.Dispatch;

/// <summary>What the dispatcher did with a message.</summary>
public enum SettledAs
{
    Completed,
    DeadLettered,
    /// <summary>A transient failure: a copy is scheduled for later and the original completed.</summary>
    RetryScheduled,
    /// <summary>Given back for immediate redelivery (the retry copy could not be scheduled, or an observer held it back).</summary>
    Abandoned,
}

/// <summary>What one dispatch decided and did.</summary>
/// <param name="RetryDelay">For <see cref="SettledAs.RetryScheduled"/>: how long until the copy is due.</param>
public sealed record DispatchResult(Settlement Settlement, SettledAs SettledAs, TimeSpan? RetryDelay = null);

/// <summary>
/// Watches dispatches (the local runner's statistics, test harnesses). Production registers none, and the Function App
/// none at all. <see cref="HandBack"/> exists for fault injection: it turns a decision into "crashed before settling".
/// </summary>
public interface IDispatchObserver
{
    /// <summary>True hands the message back unsettled (abandoned) instead of carrying out <paramref name="settlement"/>.</summary>
    bool HandBack(Endpoint endpoint, InboundMessage message, Settlement settlement) => false;

    void Dispatched(Endpoint endpoint, InboundMessage message, DispatchResult result) { }
}

using AzureOrders.Contracts;

namespace AzureOrders.Messaging.Dispatch;

/// <summary>
/// Redelivery after a growing backoff, built by the project because neither host offers it: the Functions Service Bus
/// extension abandons a failed message for immediate redelivery, and Service Bus itself has no delay on abandon.
/// Section <c>Messaging:DelayedRetry</c> (docs/architecture.md, "How retries work").
/// </summary>
public sealed record DelayedRetryOptions
{
    /// <summary>Delayed retries before a message is dead-lettered with RetriesExhausted (0: dead-letter on the first transient failure).</summary>
    public int MaxRetries { get; set; } = 10;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public double Multiplier { get; set; } = 2;

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Each delay is spread by up to this fraction either way, so consumers that failed together retry apart.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The wait before delayed retry number <paramref name="retry"/> (1 for the first).</summary>
    /// <param name="random">A number in [0, 1] that places the delay inside the jitter band.</param>
    public TimeSpan DelayFor(int retry, double random)
    {
        var nominal = FirstDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Max(0, retry - 1));
        var capped = Math.Min(nominal, MaxDelay.TotalMilliseconds);
        var spread = 1 + Jitter * (2 * Math.Clamp(random, 0, 1) - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, capped * spread));
    }

    /// <summary>Problems with the settings, each naming its key (empty when valid).</summary>
    public IEnumerable<string> Problems(string section)
    {
        if (MaxRetries < 0) yield return $"{section}:MaxRetries must be 0 or more, not {MaxRetries}.";
        if (FirstDelay <= TimeSpan.Zero) yield return $"{section}:FirstDelay must be positive, not {FirstDelay}.";
        if (Multiplier < 1) yield return $"{section}:Multiplier must be at least 1, not {Multiplier}.";
        if (MaxDelay < FirstDelay) yield return $"{section}:MaxDelay ({MaxDelay}) must not be below FirstDelay ({FirstDelay}).";
        if (Jitter is < 0 or >= 1) yield return $"{section}:Jitter must be in [0, 1), not {Jitter}.";
    }
}

/// <summary>A scheduled copy of a failed message for the one endpoint that failed it.</summary>
/// <param name="Retry">This copy's retry number (1 for the first).</param>
/// <param name="Reason">The failure that made it necessary (for operators peeking the scheduled copy).</param>
public sealed record DelayedRetry(Endpoint Endpoint, InboundMessage Message, int Retry, DateTimeOffset DueAt, string Reason)
{
    /// <summary>Name-based UUID namespace of the copies' MessageIds.</summary>
    public static readonly Guid MessageIdNamespace = new("5d0b8e61-9a2c-4f37-b1e4-7c3a9f6d2e18");

    /// <summary>The MessageId of the first message in this retry chain.</summary>
    public string RetryOf => Message.ApplicationProperties?.GetValueOrDefault(MessageProperties.RetryOf) as string ?? Message.MessageId ?? "";

    /// <summary>
    /// Never the original id (duplicate detection would drop the copy), and not random either: two hosts that both
    /// schedule the same retry of the same delivery (a lost lock) send the same id, and the broker keeps one.
    /// </summary>
    public string MessageId => DeterministicGuid.Create(MessageIdNamespace, $"{RetryOf}|{Endpoint.Path}|{Retry}").ToString("D");
}

/// <summary>Sends a delayed retry: the Service Bus publisher schedules it on the endpoint's topic or queue.</summary>
public interface IDelayedRetryScheduler
{
    Task ScheduleAsync(DelayedRetry retry, CancellationToken cancellationToken);
}

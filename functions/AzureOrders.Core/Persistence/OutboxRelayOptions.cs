namespace AzureOrders.Persistence;

/// <summary>Section <c>Outbox</c>: when the relay republishes what a crash left undispatched.</summary>
public sealed record OutboxRelayOptions
{
    public const string Section = "Outbox";

    /// <summary>Entries younger than this are left to the handler that stored them (it publishes right after its commit).</summary>
    public TimeSpan RelayAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Entries per relay pass.</summary>
    public int MaxItems { get; set; } = 100;

    public IEnumerable<string> Problems()
    {
        if (RelayAfter <= TimeSpan.Zero) yield return $"{Section}:RelayAfter must be a positive time span such as 00:00:30, not {RelayAfter}.";
        if (MaxItems < 1) yield return $"{Section}:MaxItems must be at least 1, not {MaxItems}.";
    }
}

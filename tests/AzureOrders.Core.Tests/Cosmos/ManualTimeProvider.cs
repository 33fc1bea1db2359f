namespace AzureOrders.Core.Tests.Cosmos;

/// <summary>A clock tests move by hand (outbox ages, timestamps); timers still run on real time.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}

using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AzureOrders.Orders.Saga;

/// <summary>How long the saga waits for each reply, and how often it re-sends a compensation whose reply is missing.</summary>
public sealed record SagaTimeouts
{
    public TimeSpan Reservation { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan Payment { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan Release { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan Void { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Release and void are sent up to this many times (each with its own message id, so the broker does not drop
    /// the re-send) while their reply is missing; then the order is cancelled anyway and the command stays queued.
    /// </summary>
    public int CompensationAttempts { get; init; } = 3;
}

/// <summary>Retry policy for the activities (sending a command, appending to the order stream). Compensation steps use it too.</summary>
public sealed record SagaRetry
{
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan FirstInterval { get; init; } = TimeSpan.FromSeconds(1);
    public double BackoffCoefficient { get; init; } = 2;
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Saga settings, section <c>Saga</c>: <c>Saga:ReservationTimeout</c>, <c>Saga:PaymentTimeout</c>, <c>Saga:ReleaseTimeout</c>,
/// <c>Saga:VoidTimeout</c> (TimeSpan, e.g. 00:05:00), <c>Saga:CompensationAttempts</c>, <c>Saga:Retry:MaxAttempts</c>,
/// <c>Saga:Retry:FirstInterval</c>, <c>Saga:Retry:BackoffCoefficient</c>, <c>Saga:Retry:MaxInterval</c>.
/// </summary>
public sealed record SagaOptions
{
    public const string Section = "Saga";

    public SagaTimeouts Timeouts { get; set; } = new();
    public SagaRetry Retry { get; set; } = new();

    /// <summary>
    /// Serialize starts of the same order inside this process. Only for the in-memory Durable backend of test hosts,
    /// which accepts a second start of an instance that has not run yet; real backends refuse it themselves.
    /// </summary>
    public bool SerializeStarts { get; set; }

    /// <summary>Problems with the settings, each naming its key (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (key, value) in new[] { ("ReservationTimeout", Timeouts.Reservation), ("PaymentTimeout", Timeouts.Payment),
                     ("ReleaseTimeout", Timeouts.Release), ("VoidTimeout", Timeouts.Void), ("Retry:FirstInterval", Retry.FirstInterval),
                     ("Retry:MaxInterval", Retry.MaxInterval) })
            if (value <= TimeSpan.Zero) yield return $"{Section}:{key} must be positive, not {value}.";
        if (Timeouts.CompensationAttempts < 1) yield return $"{Section}:CompensationAttempts must be at least 1, not {Timeouts.CompensationAttempts}.";
        if (Retry.MaxAttempts < 1) yield return $"{Section}:Retry:MaxAttempts must be at least 1, not {Retry.MaxAttempts}.";
        if (Retry.BackoffCoefficient < 1) yield return $"{Section}:Retry:BackoffCoefficient must be at least 1, not {Retry.BackoffCoefficient}.";
    }

    public static SagaOptions From(IConfiguration configuration)
    {
        var s = configuration.GetSection(Section);
        var t = new SagaTimeouts();
        var r = new SagaRetry();
        return new SagaOptions
        {
            Timeouts = new SagaTimeouts
            {
                Reservation = Span(s, "ReservationTimeout", t.Reservation),
                Payment = Span(s, "PaymentTimeout", t.Payment),
                Release = Span(s, "ReleaseTimeout", t.Release),
                Void = Span(s, "VoidTimeout", t.Void),
                CompensationAttempts = Int(s, "CompensationAttempts", t.CompensationAttempts),
            },
            Retry = new SagaRetry
            {
                MaxAttempts = Int(s, "Retry:MaxAttempts", r.MaxAttempts),
                FirstInterval = Span(s, "Retry:FirstInterval", r.FirstInterval),
                BackoffCoefficient = s["Retry:BackoffCoefficient"] is not { Length: > 0 } b ? r.BackoffCoefficient
                    : double.TryParse(b, CultureInfo.InvariantCulture, out var coefficient) ? coefficient
                    : throw new FormatException($"{Section}:Retry:BackoffCoefficient must be a number, not '{b}'."),
                MaxInterval = Span(s, "Retry:MaxInterval", r.MaxInterval),
            },
            SerializeStarts = s["SerializeStarts"] is { Length: > 0 } serialize && bool.Parse(serialize),
        };
    }

    private static TimeSpan Span(IConfiguration section, string key, TimeSpan fallback) =>
        section[key] is not { Length: > 0 } value ? fallback
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new FormatException($"{Section}:{key} must be a time span such as 00:05:00, not '{value}'.");

    private static int Int(IConfiguration section, string key, int fallback) =>
        section[key] is not { Length: > 0 } value ? fallback
        : int.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new FormatException($"{Section}:{key} must be a whole number, not '{value}'.");
}

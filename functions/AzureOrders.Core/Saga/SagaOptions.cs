using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AzureOrders.Saga;

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

    public SagaTimeouts Timeouts { get; init; } = new();
    public SagaRetry Retry { get; init; } = new();

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
                BackoffCoefficient = s["Retry:BackoffCoefficient"] is { Length: > 0 } b ? double.Parse(b, CultureInfo.InvariantCulture) : r.BackoffCoefficient,
                MaxInterval = Span(s, "Retry:MaxInterval", r.MaxInterval),
            },
        };
    }

    private static TimeSpan Span(IConfiguration section, string key, TimeSpan fallback) =>
        section[key] is { Length: > 0 } value ? TimeSpan.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static int Int(IConfiguration section, string key, int fallback) =>
        section[key] is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

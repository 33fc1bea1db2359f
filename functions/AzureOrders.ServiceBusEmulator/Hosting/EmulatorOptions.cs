using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator;

/// <summary>How <see cref="ServiceBusEmulator.StartAsync(Configuration.EmulatorConfig, EmulatorOptions, CancellationToken)"/> runs the emulator.</summary>
public sealed record EmulatorOptions
{
    /// <summary>The loopback TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Where the emulator keeps its state (created if missing). Null keeps everything in memory.
    /// With a directory, active, scheduled, deferred and dead-lettered messages, sequence numbers and
    /// the duplicate-detection window survive a restart and a kill -9: a send or settlement is
    /// acknowledged only after it is on disk. Locks do not survive; locked messages become available
    /// again with their delivery count.
    /// </summary>
    public string? DataDirectory { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Drives locks, TTLs, schedules and duplicate windows; tests may pass a fake one.</summary>
    public TimeProvider? TimeProvider { get; init; }
}

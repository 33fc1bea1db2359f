using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

public sealed record DeadLetterExplorerOptions
{
    /// <summary>How long a sweep's empty receive waits before deciding the rest is locked elsewhere or gone.</summary>
    public TimeSpan ReceiveWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Called after each page peeked from a dead-letter queue, so a long read of a large queue can show progress.</summary>
    public Action<DeadLetterReadProgress>? OnRead { get; init; }
}

/// <param name="Entity">The queue being read (as <see cref="DeadLetterEntities.KeyOf"/> names it).</param>
/// <param name="ReadFromEntity">Messages peeked from it so far.</param>
/// <param name="ReadInAll">Messages peeked so far by this operation, over every entity.</param>
public sealed record DeadLetterReadProgress(string Entity, int ReadFromEntity, long ReadInAll);

/// <summary>
/// The dead-letter explorer over every subscription and queue of the topology: list, show, resubmit, purge,
/// export (one file per operation). Host-agnostic: the CLI and the Function App's ops endpoints both call it
/// with their own ServiceBusClient (connection string for emulators, a credential for Azure).
/// </summary>
public sealed partial class DeadLetterExplorer(ServiceBusClient client, Topology topology, TimeProvider time, DeadLetterExplorerOptions? options = null)
{
    public const string ResubmitOperation = "resubmit";
    public const string PurgeOperation = "purge";

    private readonly DeadLetterExplorerOptions _options = options ?? new DeadLetterExplorerOptions();
    private readonly DeadLetterSweep _sweep = new(client, time, (options ?? new DeadLetterExplorerOptions()).ReceiveWait);

    public DeadLetterExplorer(ServiceBusClient client, TimeProvider time) : this(client, Topology.Default, time) { }

    public Topology Topology => topology;

    private static void Report(List<AuditLine> lines, Action<AuditLine>? onAudit, AuditLine line)
    {
        lines.Add(line);
        onAudit?.Invoke(line);
    }

    private Task<IReadOnlyList<(Endpoint Endpoint, IReadOnlyList<DeadLetterMessage> Messages)>> FindAsync(DeadLetterFilter filter, CancellationToken cancellationToken) =>
        DeadLetterQueues.FindAsync(client, topology, filter, cancellationToken, ReadCounter());

    /// <summary>One per operation: turns pages read into <see cref="DeadLetterExplorerOptions.OnRead"/> calls with running totals.</summary>
    private Action<Endpoint, int>? ReadCounter()
    {
        if (_options.OnRead is not { } onRead) return null;
        long total = 0;
        string? entity = null;
        var fromEntity = 0;
        return (endpoint, pageCount) =>
        {
            var key = DeadLetterEntities.KeyOf(endpoint);
            if (key != entity) (entity, fromEntity) = (key, 0);
            fromEntity += pageCount;
            total += pageCount;
            onRead(new DeadLetterReadProgress(key, fromEntity, total));
        };
    }
}

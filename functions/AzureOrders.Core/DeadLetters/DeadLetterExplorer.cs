using Azure.Messaging.ServiceBus;
using AzureOrders.Messaging;

namespace AzureOrders.DeadLetters;

public sealed record DeadLetterExplorerOptions
{
    /// <summary>How long a sweep's empty receive waits before deciding the rest is locked elsewhere or gone.</summary>
    public TimeSpan ReceiveWait { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The dead-letter explorer over every subscription and queue of the topology: list, show, resubmit, purge,
/// export (one file per operation). Host-agnostic: the CLI and the Function App's ops endpoints both call it
/// with their own ServiceBusClient (connection string for emulators, a credential for Azure).
/// </summary>
public sealed partial class DeadLetterExplorer(ServiceBusClient client, Topology topology, TimeProvider time, DeadLetterExplorerOptions? options = null)
{
    public const string ResubmitOperation = "resubmit";
    public const string PurgeOperation = "purge";

    private readonly DeadLetterSweep _sweep = new(client, time, (options ?? new DeadLetterExplorerOptions()).ReceiveWait);

    public DeadLetterExplorer(ServiceBusClient client, TimeProvider time) : this(client, Topology.Default, time) { }

    public Topology Topology => topology;

    private static void Report(List<AuditLine> lines, Action<AuditLine>? onAudit, AuditLine line)
    {
        lines.Add(line);
        onAudit?.Invoke(line);
    }

    private Task<IReadOnlyList<(Endpoint Endpoint, IReadOnlyList<DeadLetterMessage> Messages)>> FindAsync(DeadLetterFilter filter, CancellationToken cancellationToken) =>
        DeadLetterQueues.FindAsync(client, topology, filter, cancellationToken);
}

using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask.Testing.Sidecar;

namespace AzureOrders.Saga.Tests;

/// <summary>
/// The in-process host's in-memory backend, plus a copy of each instance's history as of its last checkpoint:
/// the in-memory backend does not serve history for finished instances, and the tests need it to count events
/// and to replay the orchestrator. Only the checkpoint is intercepted (interface re-implementation); every other
/// member is the base class's.
/// </summary>
public sealed class RecordingOrchestrationService : InMemoryOrchestrationService, IOrchestrationService
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<HistoryEvent>> _histories = new(StringComparer.Ordinal);

    public IReadOnlyList<HistoryEvent> HistoryOf(string instanceId) =>
        _histories.TryGetValue(instanceId, out var events) ? events : [];

    Task IOrchestrationService.CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        _histories[workItem.InstanceId] = [.. newOrchestrationRuntimeState.Events];
        return CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    }
}

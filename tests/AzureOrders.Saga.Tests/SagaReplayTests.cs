using AzureOrders.Orders.Saga;
using AzureOrders.Contracts;
using AzureOrders.Testing;
using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask.Worker.Shims;

namespace AzureOrders.Saga.Tests;

/// <summary>
/// Determinism: the orchestrator re-run against a finished instance's recorded history (as a worker does after a
/// restart) must ask for nothing new: every activity and timer it schedules is matched by the history, and it
/// completes with the same result.
/// </summary>
[Collection(SagaCollection.Name)]
public sealed class SagaReplayTests(CosmosServerFixture fixture)
{
    [Theory]
    [InlineData("ord_replay_ok", "cust_456", false)]
    [InlineData("ord_replay_declined", "cust_decline_9", false)]
    [InlineData("ord_replay_timeout", "cust_456", true)]
    public async Task When_a_finished_saga_history_is_replayed_it_produces_no_new_actions(string orderId, string customerId, bool paymentTimesOut)
    {
        // The timeout case replays timers that won and timers that were cancelled.
        await using var harness = await SagaHarness.StartAsync(fixture, SagaHarness.FastOptions(payment: paymentTimesOut ? TimeSpan.FromSeconds(1) : null));
        if (paymentTimesOut) harness.Bus.Route = (_, m) => m.Subject == MessageTypes.PaymentCaptureV1 ? Delivery.Hold : Delivery.Deliver;
        await harness.PlaceAsync(orderId, customerId, ("WIDGET-001", 2));
        var original = await harness.CompletionAsync(orderId);
        var commandsBefore = harness.Bus.Attempts.Count;
        var history = harness.Backend.HistoryOf(orderId);

        // Everything but the completion: the state the worker replayed in the saga's last episode.
        var past = history.Where(e => e is not ExecutionCompletedEvent).ToList();
        var shim = DurableTaskShimFactory.Default.CreateOrchestration(nameof(OrderFulfillmentSaga), new OrderFulfillmentSaga(), null);
        var replay = new TaskOrchestrationExecutor(new OrchestrationRuntimeState(past), shim, BehaviorOnContinueAsNew.Carryover).Execute();

        var action = Assert.Single(replay.Actions);
        var complete = Assert.IsType<OrchestrationCompleteOrchestratorAction>(action);
        Assert.Equal(OrchestrationStatus.Completed, complete.OrchestrationStatus);
        var replayed = System.Text.Json.JsonSerializer.Deserialize<SagaResult>(complete.Result!, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Equal(original, replayed);
        // Replaying ran no activity: nothing was sent.
        Assert.Equal(commandsBefore, harness.Bus.Attempts.Count);
        Assert.Contains(history, e => e is TaskScheduledEvent { Name: "ReserveInventoryActivity" });
        Assert.Equal(paymentTimesOut, history.OfType<TaskScheduledEvent>().Any(e => e.Name == "VoidPaymentActivity"));
        Assert.DoesNotContain(history, e => e is ExecutionCompletedEvent { OrchestrationStatus: OrchestrationStatus.Failed });
    }
}

using AzureOrders.Orders;

namespace AzureOrders.Orders.Saga.Activities;

/// <summary>Result of confirming or cancelling the order, as the orchestrator needs it.</summary>
/// <param name="Outcome">A <see cref="TransitionOutcome"/> name.</param>
/// <param name="Status">The order's status afterwards.</param>
public sealed record OrderTransition(string Outcome, string Status)
{
    public bool Reached => Outcome is nameof(TransitionOutcome.Applied) or nameof(TransitionOutcome.AlreadyApplied);

    public static OrderTransition From(TransitionResult result) => new(result.Outcome.ToString(), result.Status);
}

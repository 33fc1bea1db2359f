namespace AzureOrders.Orders.Saga.Activities;

/// <summary>Input of a compensating command (release, void).</summary>
/// <param name="Attempt">1 for the first send; a re-send after a missing reply gets the next number (and a new message id).</param>
/// <param name="CausationId">The reply that made the saga compensate; null after a timeout.</param>
public sealed record CompensationInput(string OrderId, Guid CorrelationId, Guid? CausationId, string Reason, int Attempt);

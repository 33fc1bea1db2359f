namespace AzureOrders.Messaging;

/// <summary>The input is well-formed but impossible; retrying cannot help, so the message is dead-lettered.</summary>
public sealed class InvariantViolationException(string message) : Exception(message);

/// <summary>A dependency failed in a way that may pass (gateway hiccup, lost race worth re-running).</summary>
public sealed class TransientFailureException(string message, Exception? inner = null) : Exception(message, inner);

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>An embedded endpoint could not be installed or started; the message says why and what to do.</summary>
public sealed class EmbeddedEndpointException(string message, Exception? inner = null) : Exception(message, inner);

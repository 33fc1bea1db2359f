using AzureOrders.Contracts;
using AzureOrders.Diagnostics;

namespace AzureOrders.Messaging;

public static class TracedPublishing
{
    /// <summary>
    /// Publishes one envelope under its own producer span. The span starts before the message is mapped, so the
    /// mapping (<see cref="OutgoingMessage.From"/> reads Activity.Current) carries the span's context to the consumer.
    /// </summary>
    public static async Task PublishTracedAsync(this IEventPublisher publisher, Envelope envelope, Topology topology, CancellationToken cancellationToken)
    {
        var route = topology.RouteFor(envelope.EventType);
        using var span = MessagingTelemetry.StartSend(envelope, route);
        try
        {
            await publisher.PublishAsync(OutgoingMessage.From(envelope, topology), cancellationToken);
        }
        catch (Exception e)
        {
            Telemetry.RecordException(span, e);
            throw;
        }
    }
}

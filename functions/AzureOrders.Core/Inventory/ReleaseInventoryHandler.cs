using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Inventory;

/// <summary>
/// inventory.release.v1: give back exactly what the order holds. A release before any reserve leaves a
/// RELEASED tombstone so the late reserve holds nothing; a second release gives back nothing more.
/// </summary>
public sealed class ReleaseInventoryHandler(ReservationStore reservations, StockLedger stock, TimeProvider time) : IMessageHandler
{
    public string Name => "inventory.release";
    public IReadOnlyCollection<string> MessageTypes => [Contracts.MessageTypes.InventoryReleaseV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var command = context.PayloadAs<InventoryReleaseV1>();
        var info = new MessageContextInfo(context.Consumer, context.Envelope.EventId);
        // Kept across passes: what an earlier pass gave back is part of the reply.
        var released = new List<StockLine>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await reservations.ReadAsync(command.OrderId, cancellationToken);
            if (current is { Status: ReservationStatus.Reserved })
            {
                foreach (var line in current.Lines)
                {
                    var quantity = await stock.ReleaseAsync(command.OrderId, line.Sku, cancellationToken);
                    if (quantity > 0) released.Add(new StockLine(line.Sku, quantity));
                }
            }

            var reply = Envelopes.CausedBy(context.Envelope, Name, 0,
                new InventoryReleasedV1(command.OrderId, released, command.Reason), Services.Inventory, time.GetUtcNow());
            ReservationDocument? next = null;
            string? replyDocumentId = null;
            if (current is { Status: ReservationStatus.Released, ReleasedEventId: { } releasedEventId })
            {
                // A later release command (the saga re-sends one under a new id when the reply is slow): the stock went
                // back once, and the reply is that same fact again, under its first event id, so the broker's
                // duplicate detection and every consumer's dedupe drop it (the order's timeline shows one release).
                // Its outbox record needs an id of its own: the first one lives in this partition too.
                replyDocumentId = $"outbox:{reply.EventId:D}";
                reply = Envelopes.Create(new InventoryReleasedV1(command.OrderId, current.Lines, current.Reason ?? command.Reason),
                    releasedEventId, context.Envelope.CorrelationId, context.Envelope.EventId, Services.Inventory, time.GetUtcNow());
            }
            else if (current is not { Status: ReservationStatus.Released })
            {
                next = (current ?? new ReservationDocument { OrderId = command.OrderId, Status = ReservationStatus.Released, Lines = [] })
                    with { Status = ReservationStatus.Released, Reason = command.Reason, ReleasedEventId = reply.EventId };
            }
            var result = await reservations.CommitAsync(command.OrderId, next, current, info, reply, cancellationToken, replyDocumentId);
            switch (result.Status)
            {
                case PartitionWriteStatus.Committed: return HandlerOutcome.Handled(result.Outbox);
                case PartitionWriteStatus.Duplicate: return HandlerOutcome.AlreadyHandled(ContainerNames.Reservations, command.OrderId);
                default: continue; // a reserve committed meanwhile: release what it holds on the next pass
            }
        }
        throw new TransientFailureException($"release {command.OrderId}: reservation kept changing");
    }
}

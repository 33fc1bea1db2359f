using AzureOrders.Contracts;
using AzureOrders.Messaging;
using AzureOrders.Persistence;

namespace AzureOrders.Inventory;

/// <summary>
/// inventory.reserve.v1: hold every line or none. Lines are held one SKU partition at a time (conditional
/// decrement + hold document per batch); if one is short, the lines already held are released before
/// inventory.reservation-failed is stored. The reservation, dedupe key and reply commit in one last batch.
/// </summary>
public sealed class ReserveInventoryHandler(ReservationStore reservations, StockLedger stock, TimeProvider time) : IMessageHandler
{
    public string Name => "inventory.reserve";
    public IReadOnlyCollection<string> MessageTypes => [Contracts.MessageTypes.InventoryReserveV1];

    public async Task<HandlerOutcome> HandleAsync(MessageContext context, CancellationToken cancellationToken)
    {
        var command = context.PayloadAs<InventoryReserveV1>();
        var info = new MessageContextInfo(context.Consumer, context.Envelope.EventId);
        var current = await reservations.ReadAsync(command.OrderId, cancellationToken);
        if (current is not null) return await AnswerFromStateAsync(context, command, current, info, cancellationToken);

        // Deterministic order of SKUs, so two deliveries take the same path.
        var lines = command.Items.OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
        var held = new List<StockLine>();
        foreach (var line in lines)
        {
            var outcome = await stock.HoldAsync(command.OrderId, line, cancellationToken);
            if (outcome is HoldOutcome.Held or HoldOutcome.AlreadyHeld)
            {
                held.Add(line);
                continue;
            }

            // Short (or unknown SKU): give back what this order took, then report. Nothing stays held.
            await ReleaseAsync(command.OrderId, held, cancellationToken);
            var available = outcome == HoldOutcome.UnknownSku ? 0 : (await stock.ReadAsync(line.Sku, cancellationToken))?.Available ?? 0;
            var reason = outcome == HoldOutcome.UnknownSku ? ReservationFailureReasons.UnknownSku : ReservationFailureReasons.OutOfStock;
            var shortages = new List<StockShortage> { new(line.Sku, line.Quantity, Math.Max(0, available)) };
            var failed = new ReservationDocument { OrderId = command.OrderId, Status = ReservationStatus.Failed, Lines = [], Reason = reason, Shortages = shortages };
            var reply = Reply(context, new InventoryReservationFailedV1(command.OrderId, reason, shortages));
            return await CommitOrReconcileAsync(context, command, failed, reply, [], info, cancellationToken);
        }

        var reserved = new ReservationDocument { OrderId = command.OrderId, Status = ReservationStatus.Reserved, Lines = lines };
        return await CommitOrReconcileAsync(context, command, reserved, Reply(context, new InventoryReservedV1(command.OrderId, lines)), held, info, cancellationToken);
    }

    private async Task<HandlerOutcome> CommitOrReconcileAsync(
        MessageContext context, InventoryReserveV1 command, ReservationDocument next, Envelope reply, IReadOnlyList<StockLine> held,
        MessageContextInfo info, CancellationToken cancellationToken)
    {
        var result = await reservations.CommitAsync(command.OrderId, next, null, info, reply, cancellationToken);
        switch (result.Status)
        {
            case PartitionWriteStatus.Committed:
                return HandlerOutcome.Handled(result.Outbox);
            case PartitionWriteStatus.Duplicate:
                return HandlerOutcome.AlreadyHandled(ContainerNames.Reservations, command.OrderId);
            default:
                // The reservation appeared meanwhile: a release came first (tombstone) or another reserve won.
                var current = await reservations.ReadAsync(command.OrderId, cancellationToken)
                    ?? throw new TransientFailureException($"reservation {command.OrderId} vanished during a race");
                if (current.Status != ReservationStatus.Reserved) await ReleaseAsync(command.OrderId, held, cancellationToken);
                return await AnswerFromStateAsync(context, command, current, info, cancellationToken);
        }
    }

    /// <summary>The order already has a reservation: answer from it without touching stock.</summary>
    private async Task<HandlerOutcome> AnswerFromStateAsync(
        MessageContext context, InventoryReserveV1 command, ReservationDocument current, MessageContextInfo info, CancellationToken cancellationToken)
    {
        var reply = current.Status switch
        {
            ReservationStatus.Reserved => Reply(context, new InventoryReservedV1(command.OrderId, current.Lines)),
            ReservationStatus.Failed => Reply(context, new InventoryReservationFailedV1(command.OrderId, current.Reason ?? ReservationFailureReasons.OutOfStock, current.Shortages ?? [])),
            // Released (or a release tombstone): a late reserve must hold nothing.
            _ => Reply(context, new InventoryReservationFailedV1(command.OrderId, ReservationFailureReasons.Released, [])),
        };
        var result = await reservations.CommitAsync(command.OrderId, null, current, info, reply, cancellationToken);
        return result.Status == PartitionWriteStatus.Committed ? HandlerOutcome.Handled(result.Outbox) : HandlerOutcome.AlreadyHandled(ContainerNames.Reservations, command.OrderId);
    }

    private async Task ReleaseAsync(string orderId, IEnumerable<StockLine> held, CancellationToken cancellationToken)
    {
        foreach (var line in held) await stock.ReleaseAsync(orderId, line.Sku, cancellationToken);
    }

    private Envelope Reply<T>(MessageContext context, T payload) where T : class =>
        Envelopes.CausedBy(context.Envelope, Name, 0, payload, Services.Inventory, time.GetUtcNow());
}

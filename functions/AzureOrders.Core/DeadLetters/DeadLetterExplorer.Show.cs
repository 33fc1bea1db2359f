namespace AzureOrders.DeadLetters;

public sealed partial class DeadLetterExplorer
{
    /// <summary>The matching messages, oldest first per entity; nothing is locked or changed.</summary>
    public async Task<IReadOnlyList<DeadLetterMessage>> ShowAsync(DeadLetterFilter filter, CancellationToken cancellationToken) =>
        [.. (await FindAsync(filter, cancellationToken)).SelectMany(found => found.Messages)];
}

namespace AzureOrders.DeadLetters;

public sealed partial class DeadLetterExplorer
{
    /// <summary>Counts per entity (every entity of the topology, zeros included, unless the filter names one), by peeking in pages.</summary>
    public async Task<IReadOnlyList<DeadLetterCount>> ListAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        var counts = new List<DeadLetterCount>();
        var onPage = ReadCounter();
        foreach (var endpoint in filter.EndpointsIn(topology))
        {
            var count = 0;
            var byReason = new SortedDictionary<string, int>(StringComparer.Ordinal);
            DateTimeOffset? oldest = null, newest = null;
            await foreach (var message in DeadLetterQueues.PeekAllAsync(client, endpoint, cancellationToken, onPage))
            {
                if (!filter.Matches(message)) continue;
                count++;
                var reason = message.Reason ?? "(none)";
                byReason[reason] = byReason.GetValueOrDefault(reason) + 1;
                if (oldest is null || message.EnqueuedTime < oldest) oldest = message.EnqueuedTime;
                if (newest is null || message.EnqueuedTime > newest) newest = message.EnqueuedTime;
            }
            counts.Add(new DeadLetterCount(DeadLetterEntities.KeyOf(endpoint), endpoint.Path, endpoint.Consumer, count, byReason, oldest, newest));
        }
        return counts;
    }
}

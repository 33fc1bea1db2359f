namespace AzureOrders.DeadLetters;

public sealed partial class DeadLetterExplorer
{
    /// <summary>Writes the matching messages as JSON lines (all metadata and the body, see <see cref="DeadLetterJson"/>); returns how many.</summary>
    public async Task<int> ExportAsync(DeadLetterFilter filter, TextWriter output, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var message in await ShowAsync(filter, cancellationToken))
        {
            await output.WriteLineAsync(DeadLetterJson.ToJsonLine(message).AsMemory(), cancellationToken);
            count++;
        }
        await output.FlushAsync(cancellationToken);
        return count;
    }
}

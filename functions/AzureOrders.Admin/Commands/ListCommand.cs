using System.Globalization;

namespace AzureOrders.Admin.Commands;

/// <summary>list: dead-letter counts per subscription and queue, with reasons and the oldest message's age.</summary>
public sealed class ListCommand : ICliCommand
{
    public string Name => "list";
    public string Usage => "Dead-letter counts per subscription and queue (zeros included), by reason.";
    public IReadOnlySet<string> Options { get; } = new HashSet<string>();
    public IReadOnlySet<string> Flags { get; } = new HashSet<string>();

    public async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var counts = await context.Explorer.ListAsync(context.Filter, cancellationToken);
        var now = context.Console.Time.GetUtcNow();
        TextTable.Write(context.Console.Out, ["ENTITY", "CONSUMER", "COUNT", "REASONS", "OLDEST"],
        [
            .. counts.Select(c => (IReadOnlyList<string>)
            [
                c.Entity,
                c.Consumer,
                c.Count.ToString(CultureInfo.InvariantCulture),
                c.Count == 0 ? "" : string.Join(", ", c.ByReason.Select(r => $"{r.Key} {r.Value}")),
                c.Oldest is { } oldest ? Age(now - oldest) + " ago" : "",
            ]),
        ]);
        context.Console.Out.WriteLine($"{counts.Sum(c => c.Count)} dead-lettered message(s) in {counts.Count(c => c.Count > 0)} of {counts.Count} entities.");
        return 0;
    }

    private static string Age(TimeSpan age) => age switch
    {
        { TotalDays: >= 1 } => $"{(int)age.TotalDays}d{age.Hours}h",
        { TotalHours: >= 1 } => $"{(int)age.TotalHours}h{age.Minutes}m",
        { TotalMinutes: >= 1 } => $"{(int)age.TotalMinutes}m{age.Seconds}s",
        _ => $"{Math.Max(0, (int)age.TotalSeconds)}s",
    };
}

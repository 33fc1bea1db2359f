namespace AzureOrders.Admin.Commands;

/// <summary>purge: delete matching messages, after saying how many and where and asking (unless --yes).</summary>
public sealed class PurgeCommand : ICliCommand
{
    public string Name => "purge";
    public string Usage => "Delete matching messages; asks first unless --yes (--dry-run: list, change nothing).";
    public IReadOnlySet<string> Options { get; } = new HashSet<string>();
    public IReadOnlySet<string> Flags { get; } = new HashSet<string> { "dry-run", "yes" };

    public async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var dryRun = context.Args.Has("dry-run");
        if (!dryRun && !context.Args.Has("yes"))
        {
            var listed = await context.Explorer.PurgeAsync(context.Filter, dryRun: true, cancellationToken);
            if (listed.Count == 0)
            {
                context.Console.Out.WriteLine("Nothing matches; nothing to purge.");
                return 0;
            }
            var where = string.Join(", ", listed.GroupBy(l => l.Entity).Select(g => $"{g.Key} ({g.Count()})"));
            context.Console.Out.Write($"Delete {listed.Count} dead-lettered message(s) from {where}? This cannot be undone. Type 'yes' to confirm: ");
            context.Console.Out.Flush();
            var answer = context.Console.In.ReadLine()?.Trim();
            if (!string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase))
            {
                context.Console.Out.WriteLine();
                context.Console.Error.WriteLine("Not confirmed; nothing was deleted.");
                return 1;
            }
        }
        var lines = await context.Explorer.PurgeAsync(context.Filter, dryRun, cancellationToken, AuditOutput.Printer(context.Console));
        return AuditOutput.Summarize(context.Console, lines, dryRun, dryRun ? "would be purged" : "purged");
    }
}

namespace AzureOrders.Admin.Commands;

/// <summary>resubmit: back to the original consumer only, eventId kept; one audit line per message.</summary>
public sealed class ResubmitCommand : ICliCommand
{
    public string Name => "resubmit";
    public string Usage => "Send matching messages back to their original subscription or queue only (--dry-run: list, change nothing).";
    public IReadOnlySet<string> Options { get; } = new HashSet<string>();
    public IReadOnlySet<string> Flags { get; } = new HashSet<string> { "dry-run" };

    public async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var dryRun = context.Args.Has("dry-run");
        var lines = await context.Explorer.ResubmitAsync(context.Filter, dryRun, cancellationToken, AuditOutput.Printer(context.Console));
        return AuditOutput.Summarize(context.Console, lines, dryRun, dryRun ? "would be resubmitted" : "resubmitted");
    }
}

/// <summary>Audit lines on stdout as each message is done, a summary after them; exit 1 when any message failed.</summary>
internal static class AuditOutput
{
    public static Action<AuditLine> Printer(CliConsole console) => line => console.Out.WriteLine(line.ToString());

    public static int Summarize(CliConsole console, IReadOnlyList<AuditLine> lines, bool dryRun, string done)
    {
        var failed = lines.Count(l => l.IsFailure);
        console.Out.WriteLine($"{lines.Count - failed} message(s) {done}, {failed} failed.{(dryRun ? " Dry run: nothing changed." : "")}");
        return failed == 0 ? 0 : 1;
    }
}

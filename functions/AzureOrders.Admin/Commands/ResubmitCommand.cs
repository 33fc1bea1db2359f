using System.CommandLine;

namespace AzureOrders.Admin.Commands;

/// <summary>resubmit: back to the original consumer only, eventId kept; one audit line per message.</summary>
public static class ResubmitCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("resubmit",
            "Send matching messages back to their original subscription or queue only (the body and eventId unchanged), one audit line each. " +
            "Without a filter (--entity, --reason, --event-type, --message-id, --since, --until) it asks first, unless --yes.");
        var options = new DeadLetterOptions(context);
        options.AddTo(command);
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be sent; change nothing." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask, even without a filter (scripts)." };
        command.Add(dryRun);
        command.Add(yes);
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, cancellationToken, async (run, ct) =>
        {
            var isDryRun = parse.GetValue(dryRun);
            if (!isDryRun && !parse.GetValue(yes) && !options.Selects(parse))
            {
                var listed = await run.Explorer.ResubmitAsync(run.Filter, dryRun: true, ct);
                run.Progress.Done();
                if (listed.Count == 0)
                {
                    run.Console.Out.WriteLine("Nothing matches; nothing to resubmit.");
                    return ExitCodes.Ok;
                }
                if (!context.Confirm($"No filter given: resubmit all {listed.Count} dead-lettered message(s) from {AuditOutput.Where(listed)} to their consumers?"))
                {
                    run.Console.Error.WriteLine("Not confirmed; nothing was resubmitted. Narrow it with a filter, or pass --yes.");
                    return ExitCodes.NotConfirmed;
                }
            }
            var lines = await run.Explorer.ResubmitAsync(run.Filter, isDryRun, ct, AuditOutput.Printer(run.Console));
            return AuditOutput.Summarize(run.Console, lines, isDryRun, isDryRun ? "would be resubmitted" : "resubmitted");
        }));
        return command;
    }
}

/// <summary>Audit lines on stdout as each message is done, a summary after them; exit 1 when any message failed.</summary>
internal static class AuditOutput
{
    public static Action<AuditLine> Printer(CliConsole console) => line => console.Out.WriteLine(line.ToString());

    public static string Where(IReadOnlyList<AuditLine> lines) =>
        string.Join(", ", lines.GroupBy(l => l.Entity).Select(g => $"{g.Key} ({g.Count()})"));

    public static int Summarize(CliConsole console, IReadOnlyList<AuditLine> lines, bool dryRun, string done)
    {
        var failed = lines.Count(l => l.IsFailure);
        console.Out.WriteLine($"{lines.Count - failed} message(s) {done}, {failed} failed.{(dryRun ? " Dry run: nothing changed." : "")}");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}

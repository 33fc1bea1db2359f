using System.CommandLine;

namespace AzureOrders.Admin.Commands;

/// <summary>purge: delete matching messages, after saying how many and where and asking (unless --yes).</summary>
public static class PurgeCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("purge", "Delete matching messages, one audit line each; says how many and where and asks first, unless --yes.");
        var options = new DeadLetterOptions(context);
        options.AddTo(command);
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be deleted; change nothing." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask (scripts)." };
        command.Add(dryRun);
        command.Add(yes);
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, cancellationToken, async (run, ct) =>
        {
            var isDryRun = parse.GetValue(dryRun);
            if (!isDryRun && !parse.GetValue(yes))
            {
                var listed = await run.Explorer.PurgeAsync(run.Filter, dryRun: true, ct);
                run.Progress.Done();
                if (listed.Count == 0)
                {
                    run.Console.Out.WriteLine("Nothing matches; nothing to purge.");
                    return ExitCodes.Ok;
                }
                if (!context.Confirm($"Delete {listed.Count} dead-lettered message(s) from {AuditOutput.Where(listed)}? This cannot be undone."))
                {
                    run.Console.Error.WriteLine("Not confirmed; nothing was deleted.");
                    return ExitCodes.NotConfirmed;
                }
            }
            var lines = await run.Explorer.PurgeAsync(run.Filter, isDryRun, ct, AuditOutput.Printer(run.Console));
            return AuditOutput.Summarize(run.Console, lines, isDryRun, isDryRun ? "would be purged" : "purged");
        }));
        return command;
    }
}

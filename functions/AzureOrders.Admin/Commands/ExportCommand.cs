using System.CommandLine;

namespace AzureOrders.Admin.Commands;

/// <summary>export: JSON lines (all metadata and the body) to --output or stdout; the count goes to stderr so stdout stays pure.</summary>
public static class ExportCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("export", "Matching messages as JSON lines (metadata + body) to --output <file> or stdout; nothing is changed.");
        var options = new DeadLetterOptions(context);
        options.AddTo(command);
        var output = new Option<FileInfo>("--output", "-o") { Description = "Write to this file (replaced) instead of stdout.", HelpName = "file" }.AcceptLegalFilePathsOnly();
        command.Add(output);
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, cancellationToken, async (run, ct) =>
        {
            if (parse.GetValue(output) is { } file)
            {
                await using var writer = new StreamWriter(file.FullName, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
                var count = await run.Explorer.ExportAsync(run.Filter, writer, ct);
                run.Progress.Done();
                run.Console.Error.WriteLine($"Exported {count} message(s) to {file.FullName}.");
            }
            else
            {
                var count = await run.Explorer.ExportAsync(run.Filter, run.Console.Out, ct);
                run.Progress.Done();
                run.Console.Error.WriteLine($"Exported {count} message(s).");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}

namespace AzureOrders.Admin.Commands;

/// <summary>export: JSON lines (all metadata and the body) to --output or stdout; the count goes to stderr so stdout stays pure.</summary>
public sealed class ExportCommand : ICliCommand
{
    public string Name => "export";
    public string Usage => "Matching messages as JSON lines (metadata + body) to --output <file> or stdout.";
    public IReadOnlySet<string> Options { get; } = new HashSet<string> { "output" };
    public IReadOnlySet<string> Flags { get; } = new HashSet<string>();

    public async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var count = 0;
        if (context.Args.Option("output") is { } path)
        {
            await using var file = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
            count = await context.Explorer.ExportAsync(context.Filter, file, cancellationToken);
            context.Console.Error.WriteLine($"Exported {count} message(s) to {Path.GetFullPath(path)}.");
        }
        else
        {
            count = await context.Explorer.ExportAsync(context.Filter, context.Console.Out, cancellationToken);
            context.Console.Error.WriteLine($"Exported {count} message(s).");
        }
        return 0;
    }
}

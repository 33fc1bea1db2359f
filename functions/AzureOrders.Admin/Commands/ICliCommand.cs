namespace AzureOrders.Admin.Commands;

/// <summary>What a command needs: the explorer over the chosen namespace, the parsed filter and arguments, the console.</summary>
public sealed record CommandContext(DeadLetterExplorer Explorer, DeadLetterFilter Filter, CliArguments Args, CliConsole Console);

public interface ICliCommand
{
    string Name { get; }
    string Usage { get; }
    IReadOnlySet<string> Options { get; }
    IReadOnlySet<string> Flags { get; }

    /// <returns>The exit code: 0 ok, 1 some message failed (or the user declined).</returns>
    Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken);
}

using AzureOrders.Admin.Settings;

namespace AzureOrders.Admin;

/// <summary>What every command shares in one invocation: the console and the settings environment.</summary>
public sealed class AdminContext(CliConsole console)
{
    public CliConsole Console { get; } = console;

    public AzdEnvironment Environment { get; } = new(console.Environment, console.WorkingDirectory ?? System.Environment.CurrentDirectory);

    /// <summary>Asks on stderr and reads one line; only "yes" or "y" confirms. A closed stdin (scripts, CI) refuses.</summary>
    public bool Confirm(string question)
    {
        Console.Error.Write($"{question} Type 'yes' to confirm: ");
        Console.Error.Flush();
        var answer = Console.In.ReadLine()?.Trim();
        Console.Error.WriteLine();
        return string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase) || string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase);
    }
}

namespace AzureOrders.Admin;

/// <summary>Wrong arguments: printed with a hint to --help, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A small hand-written parser: "command --name value --name=value --flag". System.CommandLine's API changed
/// much between versions; five commands with flat options do not need it.
/// </summary>
public sealed record CliArguments(string? Command, IReadOnlyDictionary<string, string> Options, IReadOnlySet<string> Flags)
{
    public static CliArguments Parse(IReadOnlyList<string> args, IReadOnlySet<string> flagNames)
    {
        string? command = null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "-?") { flags.Add("help"); continue; }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (command is not null) throw new UsageException($"unexpected argument '{arg}'");
                command = arg;
                continue;
            }
            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            if (flagNames.Contains(name))
            {
                if (inline is not null) throw new UsageException($"--{name} takes no value");
                flags.Add(name);
                continue;
            }
            var value = inline ?? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : throw new UsageException($"--{name} needs a value"));
            if (!options.TryAdd(name, value)) throw new UsageException($"--{name} is given twice");
        }
        return new CliArguments(command, options, flags);
    }

    public string? Option(string name) => Options.GetValueOrDefault(name);

    public bool Has(string flag) => Flags.Contains(flag);

    /// <summary>Fails on any option or flag the command does not know, so a typo is not silently ignored.</summary>
    public void RequireOnly(IReadOnlySet<string> allowedOptions, IReadOnlySet<string> allowedFlags, string command)
    {
        foreach (var name in Options.Keys.Where(n => !allowedOptions.Contains(n)))
            throw new UsageException($"'{command}' has no option --{name}");
        foreach (var flag in Flags.Where(f => f != "help" && !allowedFlags.Contains(f)))
            throw new UsageException($"'{command}' has no flag --{flag}");
    }
}

using System.Text;
using System.Text.Json;

namespace AzureOrders.Admin.Settings;

/// <summary>
/// Settings from the process environment, else from the azd environment's .env file
/// (.azure/&lt;AZURE_ENV_NAME or the default environment&gt;/.env, found from the working directory upwards):
/// what <c>azd env get-values</c> prints and azd hooks export. So after <c>azd up</c> the tool needs no options.
/// </summary>
public sealed class AzdEnvironment(Func<string, string?> environment, string workingDirectory)
{
    public const string EnvironmentNameVariable = "AZURE_ENV_NAME";

    private readonly Lazy<(string? Path, IReadOnlyDictionary<string, string> Values)> _file = new(() => ReadFile(environment, workingDirectory));

    /// <summary>The value, or null when neither the process nor the azd environment sets it (empty counts as unset).</summary>
    public string? Get(string name) =>
        environment(name) is { Length: > 0 } value ? value
        : _file.Value.Values.TryGetValue(name, out var fromFile) && fromFile.Length > 0 ? fromFile
        : null;

    /// <summary>Where <see cref="Get"/> found the value, for the line that tells an operator which account they act on.</summary>
    public string SourceOf(string name) =>
        environment(name) is { Length: > 0 } ? $"${name}" : $"{name} from {_file.Value.Path}";

    private static (string?, IReadOnlyDictionary<string, string>) ReadFile(Func<string, string?> environment, string workingDirectory)
    {
        var empty = (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();
        if (FindAzureFolder(workingDirectory) is not { } azure) return (null, empty);
        var name = environment(EnvironmentNameVariable) is { Length: > 0 } fromVariable ? fromVariable : DefaultEnvironment(azure);
        if (name is null) return (null, empty);
        var path = Path.Combine(azure, name, ".env");
        return File.Exists(path) ? (path, ParseDotEnv(File.ReadAllText(path))) : (null, empty);
    }

    private static string? FindAzureFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".azure");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>azd keeps the selected environment in .azure/config.json ("defaultEnvironment").</summary>
    private static string? DefaultEnvironment(string azureFolder)
    {
        var config = Path.Combine(azureFolder, "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(config));
            return json.RootElement.TryGetProperty("defaultEnvironment", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>KEY=value lines as azd writes them: values in double quotes with backslash escapes; single quotes literal.</summary>
    public static IReadOnlyDictionary<string, string> ParseDotEnv(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim().TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            values[line[..eq].Trim()] = Unquote(line[(eq + 1)..].Trim());
        }
        return values;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') return value[1..^1];
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        var text = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                var next = value[++i];
                text.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => next });
            }
            else text.Append(value[i]);
        }
        return text.ToString();
    }
}

using System.Text.RegularExpressions;

namespace AzureOrders.Functions.Tests.ApiDocs;

/// <summary>One request of docs/requests.http, variables substituted.</summary>
/// <param name="Expect">The status its "# expect: NNN" comment promises.</param>
public sealed record HttpExample(string Title, string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? Body, int Expect)
{
    /// <summary>The path below the API base with the query string dropped: "/orders/ord_demo_1".</summary>
    public string PathBelow(string baseUrl) => (Url.StartsWith(baseUrl, StringComparison.Ordinal) ? Url[baseUrl.Length..] : Url).Split('?')[0];

    public override string ToString() => $"{Method} {Url} ({Title})";
}

/// <summary>
/// Reads the .http format that Visual Studio and VS Code's REST Client share: "@name = value" variables, requests
/// separated by "###" lines, "#" comments, the request line, headers, a blank line, the body.
/// </summary>
public static partial class HttpExamples
{
    public const string File = "docs/requests.http";

    public static IReadOnlyDictionary<string, string> Variables(string text) =>
        text.Split('\n').Select(l => VariableLine().Match(l.TrimEnd('\r'))).Where(m => m.Success)
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim(), StringComparer.Ordinal);

    public static IReadOnlyList<HttpExample> Parse(string text, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var variables = new Dictionary<string, string>(Variables(text), StringComparer.Ordinal);
        foreach (var (k, v) in overrides ?? new Dictionary<string, string>()) variables[k] = v;
        string Substitute(string s) => Reference().Replace(s, m => variables.TryGetValue(m.Groups["name"].Value, out var v) ? v : m.Value);

        var examples = new List<HttpExample>();
        var blocks = Regex.Split(text.Replace("\r\n", "\n"), @"^###", RegexOptions.Multiline).Skip(1);
        foreach (var block in blocks)
        {
            var lines = block.Split('\n');
            var title = lines[0].Trim();
            var expect = lines.Select(l => ExpectLine().Match(l)).FirstOrDefault(m => m.Success) is { } e ? int.Parse(e.Groups["status"].Value) : 0;
            var rest = lines.Skip(1).SkipWhile(l => l.Trim().Length == 0 || l.TrimStart().StartsWith('#')).ToList();
            if (rest.Count == 0) continue;
            var request = RequestLine().Match(rest[0].Trim());
            if (!request.Success) throw new FormatException($"{File}, '{title}': '{rest[0]}' is not a request line.");

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var i = 1;
            for (; i < rest.Count && rest[i].Trim().Length > 0; i++)
            {
                if (rest[i].TrimStart().StartsWith('#')) continue;
                var colon = rest[i].IndexOf(':', StringComparison.Ordinal);
                headers[rest[i][..colon].Trim()] = Substitute(rest[i][(colon + 1)..].Trim());
            }
            var body = string.Join("\n", rest.Skip(i + 1).Where(l => !l.TrimStart().StartsWith('#'))).Trim();
            examples.Add(new HttpExample(title, request.Groups["method"].Value, Substitute(request.Groups["url"].Value), headers,
                body.Length == 0 ? null : Substitute(body), expect));
        }
        return examples;
    }

    [GeneratedRegex(@"^@(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?<value>.*)$")]
    private static partial Regex VariableLine();

    [GeneratedRegex(@"\{\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^#\s*expect:\s*(?<status>\d{3})\s*$")]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?<url>\S+)(\s+HTTP/\d(\.\d)?)?$")]
    private static partial Regex RequestLine();
}

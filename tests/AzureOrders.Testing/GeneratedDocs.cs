using Xunit;
using System.Text.Json.Nodes;

namespace AzureOrders.Testing;

/// <summary>
/// The pattern of every generated document under docs/: the test generates it, compares it with the committed file,
/// and rewrites the file instead when one of the update variables is "1".
/// </summary>
public static class GeneratedDocs
{
    /// <summary>Rewrites every generated contract document (openapi.json, asyncapi.json).</summary>
    public const string UpdateVariable = "AZUREORDERS_UPDATE_API_DOCS";

    public static void AssertCurrent(string relativePath, string expected, string regenerateCommand, params string[] updateVariables)
    {
        var path = RepoPaths.File(relativePath);
        if (updateVariables.Append(UpdateVariable).Any(v => Environment.GetEnvironmentVariable(v) == "1"))
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path), $"{relativePath} is missing; generate it with `{regenerateCommand}`.");
        var actual = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(expected == actual, $"{relativePath} is stale: regenerate it with `{regenerateCommand}` and commit it.\n{FirstDifference(expected, actual)}");
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return $"first difference at line {i + 1}:\n  generated: {el.Trim()}\n  committed: {al.Trim()}";
        }
        return "";
    }
}

/// <summary>Local JSON references ("$ref": "#/a/b") of a document, resolved by JSON Pointer (RFC 6901).</summary>
public static class JsonRefs
{
    /// <summary>Every "$ref" string in the document with the location where it appears.</summary>
    public static IEnumerable<(string Location, string Ref)> All(JsonNode? node, string location = "#")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var here = $"{location}/{Escape(key)}";
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var target)) yield return (here, target);
                    else foreach (var inner in All(value, here)) yield return inner;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    foreach (var inner in All(array[i], $"{location}/{i}")) yield return inner;
                break;
        }
    }

    /// <summary>The node a local reference points at, or null when it points nowhere.</summary>
    public static JsonNode? Resolve(JsonNode root, string reference)
    {
        if (!reference.StartsWith('#')) return null;
        var pointer = Uri.UnescapeDataString(reference[1..]);
        if (pointer.Length == 0) return root;
        if (!pointer.StartsWith('/')) return null;
        JsonNode? current = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            current = current switch
            {
                JsonObject obj => obj.TryGetPropertyValue(token, out var next) ? next : null,
                JsonArray array => int.TryParse(token, out var index) && index >= 0 && index < array.Count ? array[index] : null,
                _ => null,
            };
            if (current is null) return null;
        }
        return current;
    }

    /// <summary>
    /// One schema of a document (OpenAPI, AsyncAPI) as a standalone JSON Schema: the document's named schemas become
    /// its $defs, so "#/components/schemas/x" references still resolve without the rest of the document.
    /// </summary>
    public static string StandaloneSchema(JsonObject document, JsonNode schema)
    {
        const string From = "\"#/components/schemas/";
        const string To = "\"#/$defs/";
        var standalone = JsonNode.Parse(schema.ToJsonString().Replace(From, To, StringComparison.Ordinal))!.AsObject();
        var defs = document["components"]?["schemas"]?.ToJsonString().Replace(From, To, StringComparison.Ordinal);
        if (defs is not null) standalone["$defs"] = JsonNode.Parse(defs);
        return standalone.ToJsonString();
    }

    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}

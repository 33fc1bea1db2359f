using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using Json.Schema;

namespace AzureOrders.Contracts;

/// <summary>The outcome of checking a JSON instance against a schema; <see cref="Errors"/> are "location: message" lines.</summary>
public sealed record SchemaCheck(bool IsValid, IReadOnlyList<string> Errors)
{
    public static readonly SchemaCheck Valid = new(true, []);
    public string Describe() => string.Join("; ", Errors);
}

/// <summary>
/// The JSON Schemas beside the contracts (embedded resources). Producers check before publishing,
/// consumers before handling; both use this one instance so the rules cannot differ.
/// </summary>
public sealed class SchemaValidator
{
    public static SchemaValidator Instance { get; } = new();

    private readonly JsonSchema _envelope;
    private readonly FrozenDictionary<string, JsonSchema> _payloads;
    private readonly EvaluationOptions _options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private SchemaValidator()
    {
        // A private registry: the schemas carry $ids, and the global registry refuses a second registration.
        var build = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        _envelope = JsonSchema.FromText(ReadSchemaText("envelope.schema.json"), build);
        _payloads = MessageCatalog.All.ToFrozenDictionary(
            d => d.Type,
            d => JsonSchema.FromText(ReadSchemaText(d.SchemaName), build),
            StringComparer.Ordinal);
    }

    /// <summary>Raw text of an embedded schema (also used by the event catalog generator).</summary>
    public static string ReadSchemaText(string fileName)
    {
        var name = $"AzureOrders.Schemas.{fileName}";
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Schema resource {name} is missing; every contract needs a schema beside it.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public SchemaCheck CheckEnvelope(JsonElement envelope) => Check(_envelope, envelope);

    public SchemaCheck CheckPayload(string messageType, JsonElement payload) =>
        _payloads.TryGetValue(messageType, out var schema)
            ? Check(schema, payload)
            : new SchemaCheck(false, [$"no schema for message type '{messageType}'"]);

    private SchemaCheck Check(JsonSchema schema, JsonElement instance)
    {
        var result = schema.Evaluate(instance, _options);
        if (result.IsValid) return SchemaCheck.Valid;
        var errors = new List<string>();
        Collect(result, errors);
        return new SchemaCheck(false, errors.Count > 0 ? errors : ["invalid"]);
    }

    private static void Collect(EvaluationResults results, List<string> errors)
    {
        if (results.Errors is { Count: > 0 } own)
            errors.AddRange(own.Select(e => $"{(results.InstanceLocation.ToString() is { Length: > 0 } l ? l : "/")}: {e.Key} {e.Value}"));
        if (results.Details is { Count: > 0 } details)
            foreach (var d in details) Collect(d, errors);
    }
}

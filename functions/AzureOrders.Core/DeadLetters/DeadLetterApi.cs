using System.Globalization;
using System.Text;
using AzureOrders.Api;

namespace AzureOrders.DeadLetters;

/// <summary>
/// The explorer as HTTP answers without ASP.NET types (like the orders API), so the Function App's ops
/// endpoints stay one-line shims and the answers are tested without a host. Query parameters: reason,
/// eventType, messageId, since, until (ISO-8601 or an age such as 2h), max, dryRun; purge also needs confirm=true.
/// </summary>
/// <param name="audit">Called with every audit line of a resubmit or purge (the host logs them: the audit trail outlives the response).</param>
public sealed class DeadLetterApi(DeadLetterExplorer explorer, TimeProvider time, Action<AuditLine>? audit = null)
{
    public const string NdJson = "application/x-ndjson";
    private const string Json = "application/json";
    private const string ProblemBase = "https://azureorders.example/problems/";

    public Task<ApiResponse> ListAsync(IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        Run(null, query, async filter =>
        {
            var counts = await explorer.ListAsync(filter, cancellationToken);
            return Ok(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("total", counts.Sum(c => c.Count));
                w.WriteStartArray("entities");
                foreach (var count in counts) DeadLetterJson.WriteCount(w, count);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

    public Task<ApiResponse> ShowAsync(string entity, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        Run(entity, query, async filter =>
        {
            var messages = await explorer.ShowAsync(filter, cancellationToken);
            return Ok(w =>
            {
                w.WriteStartArray();
                foreach (var message in messages) DeadLetterJson.WriteMessage(w, message);
                w.WriteEndArray();
            });
        });

    public Task<ApiResponse> ResubmitAsync(string entity, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        Run(entity, query, async filter =>
        {
            var dryRun = Flag(query, "dryRun");
            return Audit(dryRun, Record(await explorer.ResubmitAsync(filter, dryRun, cancellationToken)));
        });

    public Task<ApiResponse> PurgeAsync(string entity, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        Run(entity, query, async filter =>
        {
            var dryRun = Flag(query, "dryRun");
            // No one to ask over HTTP, so deleting needs an explicit confirm=true (a dry run does not).
            if (!dryRun && !Flag(query, "confirm"))
                return Problem(400, "confirmation-required", "Purge needs confirmation", "Add confirm=true to delete, or dryRun=true to see what would be deleted.");
            return Audit(dryRun, Record(await explorer.PurgeAsync(filter, dryRun, cancellationToken)));
        });

    public Task<ApiResponse> ExportAsync(string entity, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        Run(entity, query, async filter =>
        {
            using var lines = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
            await explorer.ExportAsync(filter, lines, cancellationToken);
            return new ApiResponse(200, Encoding.UTF8.GetBytes(lines.ToString()), NdJson);
        });

    private IReadOnlyList<AuditLine> Record(IReadOnlyList<AuditLine> lines)
    {
        if (audit is not null) foreach (var line in lines) audit(line);
        return lines;
    }

    /// <summary>The audit lines, and 200 even when some failed: the body says which, per message; failed counts them.</summary>
    private static ApiResponse Audit(bool dryRun, IReadOnlyList<AuditLine> lines) => Ok(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("dryRun", dryRun);
        w.WriteNumber("count", lines.Count);
        w.WriteNumber("failed", lines.Count(l => l.IsFailure));
        w.WriteStartArray("audit");
        foreach (var line in lines) DeadLetterJson.WriteAudit(w, line);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private async Task<ApiResponse> Run(string? entity, IReadOnlyDictionary<string, string?> query, Func<DeadLetterFilter, Task<ApiResponse>> operation)
    {
        if (entity is not null && !DeadLetterEntities.TryResolve(explorer.Topology, entity, out _))
            return Problem(404, "unknown-entity", "No such subscription or queue",
                new UnknownEntityException(entity, [.. explorer.Topology.Endpoints.Select(DeadLetterEntities.KeyOf)]).Message);
        if (ParseFilter(entity, query, time.GetUtcNow()) is not { } filter)
            return Problem(400, "invalid-filter", "Invalid query parameter",
                "since/until take ISO-8601 or an age (30m, 2h, 7d); max a positive integer; dryRun/confirm true or false.");
        return await operation(filter);
    }

    private static DeadLetterFilter? ParseFilter(string? entity, IReadOnlyDictionary<string, string?> query, DateTimeOffset now)
    {
        DateTimeOffset? since = null, until = null;
        int? max = null;
        if (Value(query, "since") is { } s) { if (!DeadLetterFilter.TryParseTime(s, now, out var t)) return null; since = t; }
        if (Value(query, "until") is { } u) { if (!DeadLetterFilter.TryParseTime(u, now, out var t)) return null; until = t; }
        if (Value(query, "max") is { } m) { if (!int.TryParse(m, CultureInfo.InvariantCulture, out var n) || n <= 0) return null; max = n; }
        foreach (var flag in new[] { "dryRun", "confirm" })
            if (Value(query, flag) is { } f && !bool.TryParse(f, out _)) return null;
        return new DeadLetterFilter
        {
            Entity = entity,
            Reason = Value(query, "reason"),
            EventType = Value(query, "eventType"),
            MessageId = Value(query, "messageId"),
            Since = since,
            Until = until,
            Max = max,
        };
    }

    private static string? Value(IReadOnlyDictionary<string, string?> query, string name) =>
        query.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } value ? value : null;

    private static bool Flag(IReadOnlyDictionary<string, string?> query, string name) =>
        Value(query, name) is { } value && bool.TryParse(value, out var flag) && flag;

    private static ApiResponse Ok(Action<System.Text.Json.Utf8JsonWriter> write) => new(200, DeadLetterJson.ToUtf8(write), Json);

    private static ApiResponse Problem(int status, string type, string title, string detail) =>
        ApiResponse.Problem(new ProblemDetails(ProblemBase + type, title, status, detail));
}

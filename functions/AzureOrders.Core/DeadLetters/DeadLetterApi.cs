using System.Globalization;
using System.Text;
using AzureOrders.Api;

namespace AzureOrders.DeadLetters;

/// <summary>
/// The explorer as HTTP answers without ASP.NET types (like the orders API), so the Function App's ops
/// endpoints stay one-line shims and the answers are tested without a host. Query parameters: reason,
/// eventType, messageId, since, until (ISO-8601 or an age such as 2h), max, after (page cursor: a sequence number of
/// that entity), dryRun; purge also needs confirm=true.
/// </summary>
/// <param name="audit">Called with every audit line of a resubmit or purge (the host logs them: the audit trail outlives the response).</param>
public sealed class DeadLetterApi(DeadLetterExplorer explorer, TimeProvider time, Action<AuditLine>? audit = null)
{
    public const string NdJson = "application/x-ndjson";
    private const string Json = "application/json";
    private const string ProblemBase = "https://azureorders.example/problems/";

    /// <summary>What every filter parameter takes (the 400 answer and its API description).</summary>
    public const string InvalidFilterDetail =
        "since/until take ISO-8601 or an age (30m, 2h, 7d); max a positive integer; after a sequence number, with an entity; dryRun/confirm true or false.";

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

    /// <param name="entity">Null reads every subscription and queue of the topology (no page cursor then).</param>
    public Task<ApiResponse> ShowAsync(string? entity, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
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

    public Task<ApiResponse> ResubmitAsync(string? entity, IReadOnlyDictionary<string, string?> query, CancellationToken cancellationToken) =>
        Run(entity, query, async filter =>
        {
            var dryRun = Flag(query, "dryRun");
            return Audit(dryRun, Record(await explorer.ResubmitAsync(filter, dryRun, cancellationToken)));
        });

    /// <summary>Largest edited body accepted: the Standard tier's message size limit.</summary>
    public const int MaxEditedBodyBytes = 256 * 1024;

    /// <summary>
    /// Resubmits one message with a repaired body (see <see cref="DeadLetterExplorer.ResubmitEditedAsync"/>): 422 with the
    /// schema errors when the body would be dead-lettered again, 404 when the message is no longer there, else the audit.
    /// </summary>
    public async Task<ApiResponse> ResubmitEditedAsync(string entity, string sequenceNumber, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!DeadLetterEntities.TryResolve(explorer.Topology, entity, out _))
            return Problem(404, "unknown-entity", "No such subscription or queue",
                new UnknownEntityException(entity, [.. explorer.Topology.Endpoints.Select(DeadLetterEntities.KeyOf)]).Message);
        if (!long.TryParse(sequenceNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            return Problem(400, "invalid-sequence-number", "Invalid sequence number", "The sequence number is a non-negative integer.");
        if (body.Length > MaxEditedBodyBytes)
            return Problem(413, "body-too-large", "Edited body too large", $"At most {MaxEditedBodyBytes} bytes.");

        var result = await explorer.ResubmitEditedAsync(entity, sequence, body, cancellationToken, audit);
        if (result is null)
            return Problem(404, "message-not-found", "No such dead-lettered message",
                $"There is no message with sequence number {sequence} in the dead-letter queue of {entity} (already resubmitted or purged?).");
        if (result.Audit is null)
            return ApiResponse.Problem(new ProblemDetails(ProblemBase + "edited-body-invalid", "The edited body does not match its schema", 422,
                "Nothing was sent; the message stays dead-lettered.", Errors: new Dictionary<string, string[]> { ["body"] = [.. result.Errors] }));
        return Audit(dryRun: false, [result.Audit]);
    }

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
            return Problem(400, "invalid-filter", "Invalid query parameter", InvalidFilterDetail);
        return await operation(filter);
    }

    private static DeadLetterFilter? ParseFilter(string? entity, IReadOnlyDictionary<string, string?> query, DateTimeOffset now)
    {
        DateTimeOffset? since = null, until = null;
        int? max = null;
        long? after = null;
        if (Value(query, "since") is { } s) { if (!DeadLetterFilter.TryParseTime(s, now, out var t)) return null; since = t; }
        if (Value(query, "until") is { } u) { if (!DeadLetterFilter.TryParseTime(u, now, out var t)) return null; until = t; }
        if (Value(query, "max") is { } m) { if (!int.TryParse(m, CultureInfo.InvariantCulture, out var n) || n <= 0) return null; max = n; }
        if (Value(query, "after") is { } a) { if (entity is null || !long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null; after = n; }
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
            AfterSequence = after,
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

using System.CommandLine;
using System.Globalization;
using AzureOrders.Admin.Output;

namespace AzureOrders.Admin.Commands;

/// <summary>show: each matching message with why it died and its body pretty-printed.</summary>
public static class ShowCommand
{
    /// <summary>Without --max, show stops here: a dead-letter queue can hold thousands of messages.</summary>
    public const int DefaultMax = 50;

    public static Command Create(AdminContext context)
    {
        var command = new Command("show",
            $"Matching messages: reason, description, delivery count, enqueued time, eventType, ids, properties, body (at most {DefaultMax} unless --max).");
        var options = new DeadLetterOptions(context);
        options.AddTo(command);
        var json = new Option<bool>("--json")
        {
            Description = "One JSON document on stdout: { count, max, mayHaveMore, messages: [...] }, each message as export writes it (metadata, body).",
        };
        command.Add(json);
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, cancellationToken, async (run, ct) =>
        {
            var filter = run.Filter.Max is null ? run.Filter with { Max = DefaultMax } : run.Filter;
            var messages = await run.Explorer.ShowAsync(filter, ct);
            run.Progress.Done();
            var mayHaveMore = messages.Count == filter.Max;
            if (parse.GetValue(json)) WriteJson(run.Console.Out, messages, filter.Max!.Value, mayHaveMore);
            else WriteText(run.Console.Out, messages, mayHaveMore);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<DeadLetterMessage> messages, int max, bool mayHaveMore) => JsonOutput.Write(output, w =>
    {
        w.WriteStartObject();
        w.WriteNumber("count", messages.Count);
        w.WriteNumber("max", max);
        w.WriteBoolean("mayHaveMore", mayHaveMore);
        w.WriteStartArray("messages");
        foreach (var message in messages) DeadLetterJson.WriteMessage(w, message);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteText(TextWriter output, IReadOnlyList<DeadLetterMessage> messages, bool mayHaveMore)
    {
        foreach (var m in messages)
        {
            output.WriteLine($"== {m.Entity}  seq {m.SequenceNumber.ToString(CultureInfo.InvariantCulture)}");
            Field(output, "messageId", m.MessageId);
            Field(output, "reason", m.Reason);
            Field(output, "description", m.Description);
            Field(output, "deliveryCount", m.DeliveryCount.ToString(CultureInfo.InvariantCulture));
            Field(output, "enqueued", m.EnqueuedTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            Field(output, "eventType", m.EventType);
            Field(output, "eventId", m.EventId);
            Field(output, "correlationId", m.CorrelationId);
            Field(output, "subject", m.Subject);
            Field(output, "properties", string.Join(", ", m.ApplicationProperties
                .Where(p => !p.Key.StartsWith("DeadLetter", StringComparison.Ordinal))
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}")));
            output.WriteLine("  body:");
            foreach (var line in m.PrettyBody().Split('\n')) output.WriteLine("    " + line.TrimEnd('\r'));
            output.WriteLine();
        }
        output.WriteLine(mayHaveMore ? $"{messages.Count} message(s) shown; there may be more (raise --max)." : $"{messages.Count} message(s).");
    }

    private static void Field(TextWriter output, string name, string? value) =>
        output.WriteLine($"  {name,-14} {(string.IsNullOrEmpty(value) ? "-" : value)}");
}

using System.Globalization;

namespace AzureOrders.Admin.Commands;

/// <summary>show: each matching message with why it died and its body pretty-printed.</summary>
public sealed class ShowCommand : ICliCommand
{
    /// <summary>Without --max, show stops here: a dead-letter queue can hold thousands of messages.</summary>
    public const int DefaultMax = 50;

    public string Name => "show";
    public string Usage => $"Matching messages: reason, description, delivery count, enqueued time, eventType, correlationId, body (at most {DefaultMax} unless --max).";
    public IReadOnlySet<string> Options { get; } = new HashSet<string>();
    public IReadOnlySet<string> Flags { get; } = new HashSet<string>();

    public async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var filter = context.Filter.Max is null ? context.Filter with { Max = DefaultMax } : context.Filter;
        var messages = await context.Explorer.ShowAsync(filter, cancellationToken);
        var output = context.Console.Out;
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
        output.WriteLine(messages.Count == filter.Max
            ? $"{messages.Count} message(s) shown; there may be more (raise --max)."
            : $"{messages.Count} message(s).");
        return 0;
    }

    private static void Field(TextWriter output, string name, string? value) =>
        output.WriteLine($"  {name,-14} {(string.IsNullOrEmpty(value) ? "-" : value)}");
}

using System.CommandLine;
using System.Globalization;
using AzureOrders.Admin.Output;

namespace AzureOrders.Admin.Commands;

/// <summary>list: dead-letter counts per subscription and queue, with reasons and the oldest message's age.</summary>
public static class ListCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("list", "Dead-letter counts per subscription and queue (zeros included), by reason, with the oldest message's age.");
        var options = new DeadLetterOptions(context);
        options.AddTo(command);
        var json = new Option<bool>("--json") { Description = "One JSON document on stdout: { total, entities: [{ entity, path, consumer, count, byReason, oldest, newest }] }." };
        command.Add(json);
        command.SetAction((parse, cancellationToken) => options.RunAsync(parse, cancellationToken, async (run, ct) =>
        {
            var counts = await run.Explorer.ListAsync(run.Filter, ct);
            run.Progress.Done();
            if (parse.GetValue(json)) WriteJson(run.Console.Out, counts);
            else WriteTable(run.Console, counts);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<DeadLetterCount> counts) => JsonOutput.Write(output, w =>
    {
        // The shape of GET /api/ops/deadletters, so scripts work against either.
        w.WriteStartObject();
        w.WriteNumber("total", counts.Sum(c => c.Count));
        w.WriteStartArray("entities");
        foreach (var count in counts) DeadLetterJson.WriteCount(w, count);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteTable(CliConsole console, IReadOnlyList<DeadLetterCount> counts)
    {
        var now = console.Time.GetUtcNow();
        TextTable.Write(console.Out, ["ENTITY", "CONSUMER", "COUNT", "REASONS", "OLDEST"],
        [
            .. counts.Select(c => (IReadOnlyList<string>)
            [
                c.Entity,
                c.Consumer,
                c.Count.ToString(CultureInfo.InvariantCulture),
                c.Count == 0 ? "" : string.Join(", ", c.ByReason.Select(r => $"{r.Key} {r.Value}")),
                c.Oldest is { } oldest ? Age(now - oldest) + " ago" : "",
            ]),
        ]);
        console.Out.WriteLine($"{counts.Sum(c => c.Count)} dead-lettered message(s) in {counts.Count(c => c.Count > 0)} of {counts.Count} entities.");
    }

    private static string Age(TimeSpan age) => age switch
    {
        { TotalDays: >= 1 } => $"{(int)age.TotalDays}d{age.Hours}h",
        { TotalHours: >= 1 } => $"{(int)age.TotalHours}h{age.Minutes}m",
        { TotalMinutes: >= 1 } => $"{(int)age.TotalMinutes}m{age.Seconds}s",
        _ => $"{Math.Max(0, (int)age.TotalSeconds)}s",
    };
}

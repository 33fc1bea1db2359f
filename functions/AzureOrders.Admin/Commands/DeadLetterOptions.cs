using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using AzureOrders.Admin.Output;
using AzureOrders.Admin.Settings;
using AzureOrders.Messaging;

namespace AzureOrders.Admin.Commands;

/// <summary>What a dead-letter command runs with: the explorer over the chosen namespace, the filter, the console.</summary>
public sealed record DeadLetterRun(DeadLetterExplorer Explorer, DeadLetterFilter Filter, CliConsole Console, ReadProgress Progress);

/// <summary>
/// The options every dead-letter command shares (connection, topology, filters), typed and validated while
/// parsing: a wrong value is a usage error (exit 2) before anything connects.
/// </summary>
public sealed class DeadLetterOptions
{
    private readonly AdminContext _context;

    public DeadLetterOptions(AdminContext context)
    {
        _context = context;
        Since = TimeOption("--since", "Enqueued at or after: ISO-8601 (UTC when no offset) or an age: 30m, 2h, 7d.");
        Until = TimeOption("--until", "Enqueued before: ISO-8601 or an age.");
        Max.CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
            result.AddError($"--max must be a positive integer, not '{text}'");
            return null;
        };
    }

    public Option<string> ConnectionString { get; } = new("--connection-string")
    {
        Description = $"A Service Bus connection string, e.g. the emulator's \"Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=...;UseDevelopmentEmulator=true\" (default: ${ServiceBusTarget.ConnectionVariable}).",
        HelpName = "cs",
    };

    public Option<string> Namespace { get; } = new("--namespace")
    {
        Description = $"<name>.servicebus.windows.net, signed in with DefaultAzureCredential (az login, managed identity) (default: {ServiceBusTarget.NamespaceVariable} from the process or the azd environment).",
        HelpName = "fqdn",
    };

    public Option<FileInfo> Topology { get; } = new Option<FileInfo>("--topology")
    {
        Description = "Another topology.json (default: infra/topology.json, built into the tool).",
        HelpName = "path",
    }.AcceptExistingOnly();

    public Option<string> Entity { get; } = new("--entity")
    {
        Description = "One subscription or queue: orders/notifications, orders/subscriptions/notifications, or a queue name.",
        HelpName = "name",
    };

    public Option<string> Reason { get; } = new("--reason") { Description = "DeadLetterReason, e.g. SchemaValidationFailed, MaxDeliveryCountExceeded.", HelpName = "reason" };

    public Option<string> EventType { get; } = new("--event-type") { Description = "e.g. order.placed.v1.", HelpName = "type" };

    public Option<string> MessageId { get; } = new("--message-id") { Description = "One message.", HelpName = "id" };

    public Option<DateTimeOffset?> Since { get; }

    public Option<DateTimeOffset?> Until { get; }

    public Option<int?> Max { get; } = new("--max") { Description = "At most n messages in all.", HelpName = "n", Arity = ArgumentArity.ExactlyOne };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { ConnectionString, Namespace, Entity, Reason, EventType, MessageId, Since, Until, Max, Topology })
            command.Add(option);
        command.Validators.Add(Validate);
    }

    /// <summary>True when any option narrows which messages match (--max alone does not: it still takes from every queue).</summary>
    public bool Selects(ParseResult parse) =>
        new Option[] { Entity, Reason, EventType, MessageId, Since, Until }.Any(o => parse.GetResult(o) is { Implicit: false });

    /// <summary>Connects, builds the filter, runs <paramref name="body"/>, and closes the connection.</summary>
    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<DeadLetterRun, CancellationToken, Task<int>> body)
    {
        var topology = LoadTopology(parse.GetValue(Topology));
        var target = ServiceBusTarget.Resolve(parse.GetValue(ConnectionString), parse.GetValue(Namespace), _context.Environment)
            ?? throw new UsageException(ServiceBusTarget.Missing);
        if (target.Source is not ("--connection-string" or "--namespace"))
            _context.Console.Error.WriteLine($"Service Bus {target.Display} (from {target.Source})");
        var filter = new DeadLetterFilter
        {
            Entity = parse.GetValue(Entity),
            Reason = parse.GetValue(Reason),
            EventType = parse.GetValue(EventType),
            MessageId = parse.GetValue(MessageId),
            Since = parse.GetValue(Since),
            Until = parse.GetValue(Until),
            Max = parse.GetValue(Max),
        };
        var progress = new ReadProgress(_context.Console);
        await using var client = target.CreateClient(_context.Environment);
        var explorer = new DeadLetterExplorer(client, topology, _context.Console.Time, new DeadLetterExplorerOptions { OnRead = progress.OnRead });
        try
        {
            return await body(new DeadLetterRun(explorer, filter, _context.Console, progress), cancellationToken);
        }
        finally
        {
            progress.Done();
        }
    }

    private void Validate(CommandResult result)
    {
        var connectionString = result.ValueOrDefault(ConnectionString);
        var fullyQualifiedNamespace = result.ValueOrDefault(Namespace);
        if (connectionString is not null && fullyQualifiedNamespace is not null)
            result.AddError("give --connection-string or --namespace, not both");
        else if (ServiceBusTarget.Resolve(connectionString, fullyQualifiedNamespace, _context.Environment) is not { } target)
            result.AddError(ServiceBusTarget.Missing);
        else if (target.Problem() is { } problem)
            result.AddError(problem);

        var file = result.ValueOrDefault(Topology);
        if (file is { Exists: false }) return; // reported by the option's own check
        Messaging.Topology topology;
        try
        {
            topology = LoadTopology(file);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            result.AddError($"--topology: {e.Message}");
            return;
        }
        if (result.ValueOrDefault(Entity) is { } entity && !DeadLetterEntities.TryResolve(topology, entity, out _))
            result.AddError($"--entity: '{entity}' is not a subscription or queue of the topology; use one of: {string.Join(", ", topology.Endpoints.Select(DeadLetterEntities.KeyOf))}");
    }

    private static Messaging.Topology LoadTopology(FileInfo? file) => file is null ? Messaging.Topology.Default : Messaging.Topology.Load(file.FullName);

    private Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "time",
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (DeadLetterFilter.TryParseTime(text, _context.Console.Time.GetUtcNow(), out var time)) return time;
            result.AddError($"{name} takes an ISO-8601 time (2026-11-26T14:00:00Z) or an age (30m, 2h, 7d), not '{text}'");
            return null;
        },
    };
}

using System.Globalization;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using AzureOrders.Admin.Commands;
using AzureOrders.Messaging;

namespace AzureOrders.Admin;

/// <summary>The entry point, callable in process: arguments in, exit code out (0 ok, 1 failures, 2 usage).</summary>
public static class DeadLetterCli
{
    public const int Ok = 0, Failed = 1, Usage = 2;

    public static readonly IReadOnlyList<ICliCommand> Commands =
        [new ListCommand(), new ShowCommand(), new ResubmitCommand(), new PurgeCommand(), new ExportCommand()];

    private static readonly HashSet<string> CommonOptions = new(StringComparer.Ordinal)
    {
        "connection-string", "namespace", "topology", "entity", "reason", "event-type", "message-id", "since", "until", "max",
    };

    private static readonly HashSet<string> AllFlags = ["help", .. Commands.SelectMany(c => c.Flags)];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken = default)
    {
        try
        {
            var parsed = CliArguments.Parse(args, AllFlags);
            if (parsed.Command is null || parsed.Command == "help")
            {
                WriteHelp(parsed.Command is null && !parsed.Has("help") ? console.Error : console.Out);
                return parsed.Command is null && !parsed.Has("help") ? Usage : Ok;
            }
            var command = Commands.FirstOrDefault(c => c.Name == parsed.Command)
                ?? throw new UsageException($"unknown command '{parsed.Command}'; commands: {string.Join(", ", Commands.Select(c => c.Name))}");
            if (parsed.Has("help"))
            {
                WriteHelp(console.Out);
                return Ok;
            }
            parsed.RequireOnly(new HashSet<string>([.. CommonOptions, .. command.Options], StringComparer.Ordinal), command.Flags, command.Name);

            var topology = parsed.Option("topology") is { } path ? Topology.Load(path) : Topology.Default;
            var filter = Filter(parsed, topology, console.Time.GetUtcNow());
            await using var client = Connection.Create(parsed, console);
            var explorer = new DeadLetterExplorer(client, topology, console.Time);
            return await command.RunAsync(new CommandContext(explorer, filter, parsed, console), cancellationToken);
        }
        catch (Exception e) when (e is UsageException or UnknownEntityException)
        {
            console.Error.WriteLine($"error: {e.Message}");
            console.Error.WriteLine("Run with --help for usage.");
            return Usage;
        }
        catch (ServiceBusException e)
        {
            // The SDK's message carries a stack trace after the first line; the first line and the reason say what to fix.
            console.Error.WriteLine($"error: Service Bus ({e.Reason}): {FirstLine(e.Message)}");
            return Failed;
        }
        catch (Exception e) when (e is AuthenticationFailedException or UnauthorizedAccessException or TimeoutException
                                      or System.Net.Sockets.SocketException or IOException)
        {
            console.Error.WriteLine($"error: {e.GetType().Name}: {FirstLine(e.Message)}");
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("cancelled.");
            return Failed;
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static DeadLetterFilter Filter(CliArguments args, Topology topology, DateTimeOffset now)
    {
        var entity = args.Option("entity");
        if (entity is not null) DeadLetterEntities.Resolve(topology, entity); // fail before connecting
        int? max = null;
        if (args.Option("max") is { } m)
            max = int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new UsageException($"--max must be a positive integer, not '{m}'");
        return new DeadLetterFilter
        {
            Entity = entity,
            Reason = args.Option("reason"),
            EventType = args.Option("event-type"),
            MessageId = args.Option("message-id"),
            Since = Time(args, "since", now),
            Until = Time(args, "until", now),
            Max = max,
        };
    }

    private static DateTimeOffset? Time(CliArguments args, string name, DateTimeOffset now) =>
        args.Option(name) is not { } text ? null
        : DeadLetterFilter.TryParseTime(text, now, out var time) ? time
        : throw new UsageException($"--{name} takes an ISO-8601 time (2026-11-26T14:00:00Z) or an age (30m, 2h, 7d), not '{text}'");

    private static void WriteHelp(TextWriter output)
    {
        output.WriteLine("""
            AzureOrders dead-letter explorer: the dead-letter queues of every subscription and queue in infra/topology.json.

            Usage: azureorders-deadletters <command> [options]

            Commands:
            """);
        foreach (var command in Commands) output.WriteLine($"  {command.Name,-10} {command.Usage}");
        output.WriteLine($"""

            Connection (one of):
              --connection-string <cs>   e.g. the emulator's "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=...;UseDevelopmentEmulator=true"
                                         (default: ${Connection.EnvironmentVariable})
              --namespace <fqdn>         <name>.servicebus.windows.net with DefaultAzureCredential (az login, managed identity)

            Filters (all optional, combined with AND):
              --entity <name>            orders/notifications, orders/subscriptions/notifications, or a queue name
              --reason <reason>          DeadLetterReason, e.g. SchemaValidationFailed, MaxDeliveryCountExceeded
              --event-type <type>        e.g. order.placed.v1
              --message-id <id>
              --since <time>, --until <time>   enqueued time: ISO-8601 (UTC when no offset) or an age: 30m, 2h, 7d
              --max <n>                  at most n messages in all

            Command options:
              resubmit --dry-run         list what would be sent; change nothing
              purge    --dry-run | --yes don't delete / don't ask
              export   --output <file>   JSON lines to a file instead of stdout
              --topology <path>          another topology.json (default: the one built into Core)

            Exit codes: 0 ok, 1 a message or the connection failed (or purge was not confirmed), 2 wrong arguments.
            """);
    }
}

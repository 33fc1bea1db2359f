using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Net.Sockets;
using System.Reflection;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using AzureOrders.Admin.Commands;
using AzureOrders.Setup;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Admin;

/// <summary>The entry point, callable in process: arguments in, exit code out (<see cref="ExitCodes"/>).</summary>
public static class AdminCli
{
    public const string CommandName = "azureorders";

    public static string Version { get; } =
        typeof(AdminCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private const string Environment = """
        Settings from the environment (an option given wins):
          AZUREORDERS_SERVICEBUS_CONNECTION      a Service Bus connection string (emulators)
          SERVICEBUS_FULLY_QUALIFIED_NAMESPACE   the namespace, signed in with DefaultAzureCredential
          AZUREORDERS_COSMOS_CONNECTION          a Cosmos DB connection string (emulators, the local runner)
          COSMOS_ENDPOINT, COSMOS_DATABASE_NAME  the account, signed in with DefaultAzureCredential, and the database
          AZURE_TENANT_ID                        the tenant to sign in to
        Where the process does not set them, they are read from the azd environment
        (.azure/<AZURE_ENV_NAME or azd's default environment>/.env), so after `azd up` no option is needed.
        """;

    public static RootCommand Build(CliConsole console)
    {
        var context = new AdminContext(console);
        var root = new RootCommand(
            "AzureOrders admin tool: set up a Cosmos DB account (database, containers, catalog) and work with the dead-letter " +
            "queues of every subscription and queue in infra/topology.json.")
        {
            HelpName = CommandName,
        };
        root.Add(SetupCommand.Create(context));
        root.Add(ListCommand.Create(context));
        root.Add(ShowCommand.Create(context));
        root.Add(ResubmitCommand.Create(context));
        root.Add(ExportCommand.Create(context));
        root.Add(PurgeCommand.Create(context));

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithNotes((HelpAction)help.Action!, command => command is RootCommand ? $"{Environment}\n\n{ExitCodes.Help}" : ExitCodes.Help);
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();
        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        // No response files: "@name" is an ordinary value here (a message id, a subject), not a file to expand.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            var errors = parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal).ToList();
            // "frobnicate" reads as an unknown command, not also as a missing one.
            if (errors.Count > 1) errors.RemoveAll(e => e.StartsWith("Required command was not provided", StringComparison.Ordinal));
            foreach (var error in errors) console.Error.WriteLine($"error: {error}");
            console.Error.WriteLine($"Run '{UsageOf(parse.CommandResult.Command)} --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                // Exceptions come here, to be one line and an exit code each; Ctrl+C is the caller's token.
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"error: {e.Message}");
            console.Error.WriteLine($"Run '{UsageOf(parse.CommandResult.Command)} --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("interrupted.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            console.Error.WriteLine($"error: {message}");
            return ExitCodes.Failed;
        }
    }

    private static string UsageOf(Command command) => command is RootCommand ? CommandName : $"{CommandName} {command.Name}";

    /// <summary>One line an operator can act on; null for exceptions that are bugs (they keep their stack trace).</summary>
    private static string? Describe(Exception e) => e switch
    {
        SetupPreconditionException => e.Message,
        // The SDK's message carries a stack trace after the first line; the first line and the reason say what to fix.
        ServiceBusException sb => $"Service Bus ({sb.Reason}): {FirstLine(sb.Message)}",
        CosmosException { StatusCode: System.Net.HttpStatusCode.Forbidden } c =>
            $"Cosmos DB (403 Forbidden): the signed-in identity has no data-plane role for this (it needs Cosmos DB Built-in Data Contributor on the account). {FirstLine(c.ResponseBody ?? c.Message)}",
        CosmosException c => $"Cosmos DB ({(int)c.StatusCode} {c.StatusCode}): {FirstLine(c.ResponseBody is { Length: > 0 } body ? body : c.Message)}",
        AuthenticationFailedException => $"sign-in failed (az login, or azd auth login, then try again): {FirstLine(e.Message)}",
        InvalidDataException or UnauthorizedAccessException or TimeoutException or SocketException or IOException or HttpRequestException =>
            $"{e.GetType().Name}: {FirstLine(e.Message)}",
        _ => null,
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>The built-in help, then what it cannot show: exit codes, and for the root the environment defaults.</summary>
    private sealed class HelpWithNotes(HelpAction help, Func<Command, string> notes) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            help.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(notes(parseResult.CommandResult.Command));
            return ExitCodes.Ok;
        }
    }

    /// <summary>This tool's version (the built-in one reads the entry assembly, which is a test host when run in process).</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Ok;
        }
    }
}

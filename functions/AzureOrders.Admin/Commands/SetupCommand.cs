using System.CommandLine;
using System.CommandLine.Parsing;
using AzureOrders.Admin.Output;
using AzureOrders.Admin.Settings;
using AzureOrders.Contracts;
using AzureOrders.Persistence;
using AzureOrders.Setup;

namespace AzureOrders.Admin.Commands;

/// <summary>setup: the Cosmos database and containers, then the catalog of infra/catalog.json (Core's SystemSetup).</summary>
public static class SetupCommand
{
    public static Command Create(AdminContext context)
    {
        var command = new Command("setup",
            "Prepare a Cosmos DB account for the system, idempotently: the database and containers (created on emulators and the local runner; " +
            "in Azure checked only, since Bicep creates them and Entra data-plane roles cannot), then the catalog: each SKU's product (name, price) " +
            "upserted and its stock created if it has none. Existing stock is never reset unless --reset-stock. Running it again changes nothing.");
        var endpoint = new Option<Uri>("--cosmos-endpoint")
        {
            Description = $"https://<account>.documents.azure.com:443/, signed in with DefaultAzureCredential (az login) (default: {CosmosTarget.EndpointVariable} from the process or the azd environment).",
            HelpName = "url",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http") return uri;
                result.AddError($"--cosmos-endpoint takes an http(s) URL such as https://contoso.documents.azure.com:443/, not '{text}'");
                return null;
            },
        };
        var connectionString = new Option<string>("--cosmos-connection-string")
        {
            Description = $"\"AccountEndpoint=...;AccountKey=...;\": Microsoft's emulator (its well-known key) or the local runner's server (default: ${CosmosTarget.ConnectionVariable}).",
            HelpName = "cs",
        };
        var database = new Option<string>("--database")
        {
            Description = $"The database (default: {CosmosTarget.DatabaseVariable} from the process or the azd environment, else {ContainerNames.Database}).",
            HelpName = "name",
            DefaultValueFactory = _ => context.Environment.Get(CosmosTarget.DatabaseVariable) ?? ContainerNames.Database,
        };
        var catalogFile = new Option<FileInfo>("--catalog")
        {
            Description = "Another catalog file in the format of infra/catalog.json (default: infra/catalog.json, built into the tool).",
            HelpName = "path",
        }.AcceptExistingOnly();
        var resetStock = new Option<bool>("--reset-stock")
        {
            Description = "Set each SKU's available stock back to the catalog's number, even where orders have taken some (what orders hold stays recorded).",
        };
        var json = new Option<bool>("--json") { Description = "One JSON document on stdout: { database, createdResources, changed, items: [{ kind, name, outcome, detail }] }." };
        foreach (var option in new Option[] { endpoint, connectionString, database, catalogFile, resetStock, json }) command.Add(option);

        command.Validators.Add(result =>
        {
            if (result.GetResult(endpoint) is { Implicit: false } && result.GetResult(connectionString) is { Implicit: false })
            {
                result.AddError("give --cosmos-endpoint or --cosmos-connection-string, not both");
                return;
            }
            try
            {
                if (CosmosTarget.Resolve(result.ValueOrDefault(connectionString), result.ValueOrDefault(endpoint), context.Environment) is null)
                    result.AddError(CosmosTarget.Missing);
            }
            catch (UsageException e)
            {
                result.AddError(e.Message);
            }
            if (result.ValueOrDefault(catalogFile) is { Exists: true } file)
            {
                try { CatalogFile.Load(file.FullName); }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException) { result.AddError($"--catalog: {e.Message}"); }
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = CosmosTarget.Resolve(parse.GetValue(connectionString), parse.GetValue(endpoint), context.Environment)
                ?? throw new UsageException(CosmosTarget.Missing);
            var databaseName = parse.GetValue(database)!;
            var catalog = parse.GetValue(catalogFile) is { } file ? CatalogFile.Load(file.FullName) : CatalogFile.Default;
            var error = context.Console.Error;
            error.WriteLine($"Cosmos DB {target.Endpoint} (from {target.Source}), database {databaseName}, catalog of {catalog.Count} SKU(s).");
            error.WriteLine(target.UsesEntra
                ? "Entra ID sign-in: the database and containers are checked, not created (Bicep creates them; data-plane roles cannot)."
                : "Connection string: the database and containers are created where missing.");

            using var client = target.CreateClient(context.Environment);
            var report = await SystemSetup.RunAsync(client, databaseName, catalog,
                new SystemSetupOptions { CreateResources = !target.UsesEntra, ResetStock = parse.GetValue(resetStock) }, cancellationToken);
            if (parse.GetValue(json)) WriteJson(context.Console.Out, report);
            else WriteText(context.Console.Out, report);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteText(TextWriter output, SetupReport report)
    {
        TextTable.Write(output, ["KIND", "NAME", "OUTCOME", "DETAIL"],
            [.. report.Items.Select(i => (IReadOnlyList<string>)[Lower(i.Kind), i.Name, Lower(i.Outcome), i.Detail])]);
        output.WriteLine(report.Changed ? $"Setup done: {Summary(report)}." : "Nothing changed: the database, containers and catalog were already in place.");
    }

    private static string Summary(SetupReport report)
    {
        var parts = new List<string>();
        foreach (var outcome in new[] { SetupOutcome.Created, SetupOutcome.Updated, SetupOutcome.Reset })
        {
            var counts = Enum.GetValues<SetupItemKind>().Select(k => (Kind: k, N: report.Count(k, outcome))).Where(c => c.N > 0).ToList();
            if (counts.Count > 0) parts.Add($"{Lower(outcome)} {string.Join(", ", counts.Select(c => $"{c.N} {Lower(c.Kind)}"))}");
        }
        return string.Join("; ", parts);
    }

    private static void WriteJson(TextWriter output, SetupReport report) => JsonOutput.Write(output, w =>
    {
        w.WriteStartObject();
        w.WriteString("database", report.DatabaseName);
        w.WriteBoolean("createdResources", report.CreatedResources);
        w.WriteBoolean("changed", report.Changed);
        w.WriteStartArray("items");
        foreach (var item in report.Items)
        {
            w.WriteStartObject();
            w.WriteString("kind", Lower(item.Kind));
            w.WriteString("name", item.Name);
            w.WriteString("outcome", Lower(item.Outcome));
            w.WriteString("detail", item.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

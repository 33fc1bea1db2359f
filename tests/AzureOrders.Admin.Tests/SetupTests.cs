using System.Text.Json;
using AzureOrders.Contracts;
using AzureOrders.Inventory;
using AzureOrders.Persistence;
using AzureOrders.Setup;
using AzureOrders.Testing;
using static AzureOrders.Admin.Tests.CliRunner;

namespace AzureOrders.Admin.Tests;

/// <summary>setup against the embedded Cosmos server (connection string form, as for Microsoft's emulator and the local runner).</summary>
public sealed class SetupTests(CosmosServerFixture cosmos) : IClassFixture<CosmosServerFixture>, IDisposable
{
    /// <summary>A client as Core's hosts build it (its serializer is what StockLedger needs).</summary>
    private readonly Microsoft.Azure.Cosmos.CosmosClient core = CosmosClientFactory.Create(cosmos.ConnectionString, documents: [AzureOrders.Inventory.InventoryJsonContext.Default]);

    private static readonly IReadOnlyList<Product> CatalogInRepo = CatalogFile.Load(RepoFile("infra/catalog.json"));

    private static string NewDatabase() => $"setup-{Guid.NewGuid():N}";

    private Task<Run> SetupAsync(string database, params string[] more) =>
        RunAsync(["setup", "--cosmos-connection-string", cosmos.ConnectionString, "--database", database, .. more]);

    private static List<JsonElement> Items(Run run) =>
        [.. JsonDocument.Parse(run.Out).RootElement.GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task When_setup_runs_twice_the_second_run_changes_nothing_and_says_so()
    {
        var database = NewDatabase();

        var first = await SetupAsync(database, "--json");
        Assert.Equal(0, first.ExitCode);
        using (var json = JsonDocument.Parse(first.Out))
        {
            Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
            Assert.True(json.RootElement.GetProperty("createdResources").GetBoolean());
            Assert.Equal(database, json.RootElement.GetProperty("database").GetString());
        }
        var created = Items(first);
        Assert.Equal("created", Assert.Single(created, i => i.GetProperty("kind").GetString() == "database").GetProperty("outcome").GetString());
        Assert.Equal(Containers.All.Select(c => c.Name).Order(), created.Where(i => i.GetProperty("kind").GetString() == "container" && i.GetProperty("outcome").GetString() == "created").Select(i => i.GetProperty("name").GetString()!).Order());
        Assert.Equal(CatalogInRepo.Count, created.Count(i => i.GetProperty("kind").GetString() == "product" && i.GetProperty("outcome").GetString() == "created"));
        Assert.Equal(CatalogInRepo.Count, created.Count(i => i.GetProperty("kind").GetString() == "stock" && i.GetProperty("outcome").GetString() == "created"));

        var second = await SetupAsync(database, "--json");
        Assert.Equal(0, second.ExitCode);
        Assert.False(JsonDocument.Parse(second.Out).RootElement.GetProperty("changed").GetBoolean());
        Assert.All(Items(second), i => Assert.Equal("unchanged", i.GetProperty("outcome").GetString()));
        Assert.Equal(created.Count, Items(second).Count);

        var text = await SetupAsync(database);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Nothing changed: the database, containers and catalog were already in place.", text.Out);
    }

    [Fact]
    public async Task Setup_then_reading_the_catalog_back_gives_the_catalog_files_content()
    {
        var database = NewDatabase();

        var run = await SetupAsync(database);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Setup done: created 1 database, 6 container, 5 product, 5 stock.".Replace("6", Containers.All.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)), run.Out);
        var stored = await SystemSetup.ReadCatalogAsync(core, database, CancellationToken.None);
        Assert.Equal(CatalogInRepo.OrderBy(p => p.Sku, StringComparer.Ordinal), stored.Select(e => e.Product!));
        Assert.All(stored, e => Assert.Equal((e.Product!.InitialStock, 0), (e.Available!.Value, e.OnHold!.Value)));
        Assert.Contains(stored, e => e.Product == new Product("WIDGET-001", "Widget", 1999, 1000));
    }

    [Fact]
    public async Task When_orders_have_taken_stock_setup_keeps_it_unless_reset_stock_is_given()
    {
        var database = NewDatabase();
        Assert.Equal(0, (await SetupAsync(database)).ExitCode);
        // An order takes stock through Inventory's own ledger, as the running system does.
        var ledger = new StockLedger(core.GetDatabase(database), TimeProvider.System);
        Assert.Equal(HoldOutcome.Held, await ledger.HoldAsync("ord_setup_1", new StockLine("WIDGET-001", 3), CancellationToken.None));

        var again = await SetupAsync(database, "--json");
        Assert.Equal(0, again.ExitCode);
        Assert.False(JsonDocument.Parse(again.Out).RootElement.GetProperty("changed").GetBoolean());
        var kept = Assert.Single(Items(again), i => i.GetProperty("kind").GetString() == "stock" && i.GetProperty("name").GetString() == "WIDGET-001");
        Assert.Contains("kept: 997 available, 3 taken by orders", kept.GetProperty("detail").GetString());
        Assert.Equal((997, 3), await StockAsync(ledger, "WIDGET-001"));

        var reset = await SetupAsync(database, "--reset-stock", "--json");
        Assert.Equal(0, reset.ExitCode);
        var resetItem = Assert.Single(Items(reset), i => i.GetProperty("outcome").GetString() == "reset");
        Assert.Equal("WIDGET-001", resetItem.GetProperty("name").GetString());
        Assert.Equal((1000, 3), await StockAsync(ledger, "WIDGET-001")); // the order's hold stays recorded
        // The hold is intact, so a cancelled order still gives back exactly what it took.
        Assert.Equal(3, await ledger.ReleaseAsync("ord_setup_1", "WIDGET-001", CancellationToken.None));

        var resetAgain = await SetupAsync(database, "--reset-stock", "--json");
        Assert.Contains(Items(resetAgain), i => i.GetProperty("name").GetString() == "WIDGET-001" && i.GetProperty("kind").GetString() == "stock"
            && i.GetProperty("outcome").GetString() == "reset"); // 1003 available after the release: back to 1000
        Assert.Equal((1000, 0), await StockAsync(ledger, "WIDGET-001"));
        Assert.False(JsonDocument.Parse((await SetupAsync(database, "--reset-stock", "--json")).Out).RootElement.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task A_changed_catalog_updates_names_and_prices_adds_new_SKUs_and_leaves_stock_alone()
    {
        var database = NewDatabase();
        Assert.Equal(0, (await SetupAsync(database)).ExitCode);
        var file = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "products": [
              { "sku": "WIDGET-001", "name": "Widget Pro", "priceInCents": 2499, "initialStock": 1000 },
              { "sku": "NEW-006", "name": "Newcomer", "priceInCents": 500, "initialStock": 7 }
            ] }
            """);
        try
        {
            var run = await SetupAsync(database, "--catalog", file, "--json");

            Assert.Equal(0, run.ExitCode);
            var items = Items(run);
            var widget = Assert.Single(items, i => i.GetProperty("kind").GetString() == "product" && i.GetProperty("name").GetString() == "WIDGET-001");
            Assert.Equal("updated", widget.GetProperty("outcome").GetString());
            Assert.Equal("name 'Widget' -> 'Widget Pro', price 1999 -> 2499 cents", widget.GetProperty("detail").GetString());
            Assert.Equal("created", Assert.Single(items, i => i.GetProperty("kind").GetString() == "stock" && i.GetProperty("name").GetString() == "NEW-006").GetProperty("outcome").GetString());
            // SKUs that are only in the database are reported and left alone.
            var gadget = Assert.Single(items, i => i.GetProperty("name").GetString() == "GADGET-002");
            Assert.Equal("unchanged", gadget.GetProperty("outcome").GetString());
            Assert.Contains("not in the catalog file", gadget.GetProperty("detail").GetString());

            var stored = await SystemSetup.ReadCatalogAsync(core, database, CancellationToken.None);
            Assert.Equal(new Product("WIDGET-001", "Widget Pro", 2499, 1000), stored.Single(e => e.Sku == "WIDGET-001").Product);
            Assert.Equal((7, 0), (stored.Single(e => e.Sku == "NEW-006").Available, stored.Single(e => e.Sku == "NEW-006").OnHold));
            Assert.Equal(CatalogInRepo.Count + 1, stored.Count);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_emulators_documented_connection_string_form_and_the_azd_environment_file_work()
    {
        // An azd environment as `azd env new` + `azd env set` leave it, in a project folder of its own.
        var project = Path.Combine(Path.GetTempPath(), $"azd-project-{Guid.NewGuid():N}");
        var database = NewDatabase();
        Directory.CreateDirectory(Path.Combine(project, ".azure", "dev"));
        await File.WriteAllTextAsync(Path.Combine(project, ".azure", "config.json"), """{"version":1,"defaultEnvironment":"dev"}""");
        await File.WriteAllTextAsync(Path.Combine(project, ".azure", "dev", ".env"),
            $"AZURE_ENV_NAME=\"dev\"\nAZUREORDERS_COSMOS_CONNECTION=\"{cosmos.ConnectionString}DisableServerCertificateValidation=True;\"\nCOSMOS_DATABASE_NAME=\"{database}\"\n");
        try
        {
            Directory.CreateDirectory(Path.Combine(project, "functions"));
            var run = await RunAsync(new Options { WorkingDirectory = Path.Combine(project, "functions") }, "setup", "--json");

            Assert.Equal(0, run.ExitCode);
            Assert.Equal(database, JsonDocument.Parse(run.Out).RootElement.GetProperty("database").GetString());
            Assert.Contains($"(from AZUREORDERS_COSMOS_CONNECTION from {Path.Combine(project, ".azure", "dev", ".env")})", run.Error);
            Assert.DoesNotContain("AccountKey", run.Error);
            Assert.Equal(CatalogInRepo.Count, (await SystemSetup.ReadCatalogAsync(core, database, CancellationToken.None)).Count);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    [Fact]
    public async Task Without_the_right_to_create_setup_refuses_a_missing_database_and_only_seeds_an_existing_one()
    {
        // What setup does with an Entra sign-in (Azure): data-plane roles cannot create databases or containers.
        var database = NewDatabase();
        var verifyOnly = new SystemSetupOptions { CreateResources = false };

        var missing = await Assert.ThrowsAsync<SetupPreconditionException>(() => SystemSetup.RunAsync(core, database, CatalogInRepo, verifyOnly, CancellationToken.None));
        Assert.Contains($"database '{database}' does not exist", missing.Message);
        Assert.Contains("Bicep creates the database and containers", missing.Message);
        Assert.Empty(await ExistingDatabasesAsync(database));

        var partial = await cosmos.Client.CreateDatabaseAsync(database);
        await partial.Database.CreateContainerAsync(ContainerNames.Inventory, "/sku");
        var incomplete = await Assert.ThrowsAsync<SetupPreconditionException>(() => SystemSetup.RunAsync(core, database, CatalogInRepo, verifyOnly, CancellationToken.None));
        Assert.Contains($"container '{ContainerNames.Orders}' is missing", incomplete.Message);

        await Containers.EnsureCreatedAsync(core, database); // what Bicep would have done
        var report = await SystemSetup.RunAsync(core, database, CatalogInRepo, verifyOnly, CancellationToken.None);
        Assert.False(report.CreatedResources);
        Assert.All(report.Items.Where(i => i.Kind is SetupItemKind.Database or SetupItemKind.Container), i => Assert.Equal(SetupOutcome.Unchanged, i.Outcome));
        Assert.Equal(CatalogInRepo.Count, report.Count(SetupItemKind.Stock, SetupOutcome.Created));
    }

    private static async Task<(int Available, int OnHold)> StockAsync(StockLedger ledger, string sku)
    {
        var stock = await ledger.ReadAsync(sku, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException($"no stock for {sku}");
        return (stock.Available, stock.OnHold);
    }

    private async Task<List<string>> ExistingDatabasesAsync(string name)
    {
        var names = new List<string>();
        using var iterator = cosmos.Client.GetDatabaseQueryStreamIterator();
        while (iterator.HasMoreResults)
        {
            using var page = await iterator.ReadNextAsync();
            using var json = await JsonDocument.ParseAsync(page.Content);
            names.AddRange(json.RootElement.GetProperty("Databases").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).Where(n => n == name));
        }
        return names;
    }

    public void Dispose() => core.Dispose();

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AzureOrders.sln"))) return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("AzureOrders.sln not found");
    }
}

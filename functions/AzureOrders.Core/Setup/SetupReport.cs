namespace AzureOrders.Setup;

public enum SetupItemKind { Database, Container, Product, Stock }

public enum SetupOutcome
{
    Created,
    /// <summary>A product's name, price or initial stock differed from the catalog and now matches it.</summary>
    Updated,
    /// <summary>--reset-stock: the available stock was set back to the catalog's number.</summary>
    Reset,
    /// <summary>Already as wanted, or deliberately left alone (stock orders have taken; a SKU not in the catalog).</summary>
    Unchanged,
}

/// <summary>One thing setup looked at, what it did, and why in words an operator reads.</summary>
public sealed record SetupItem(SetupItemKind Kind, string Name, SetupOutcome Outcome, string Detail);

public sealed record SetupReport(string DatabaseName, bool CreatedResources, IReadOnlyList<SetupItem> Items)
{
    /// <summary>False when a run found everything in place: a second run of setup reports exactly that.</summary>
    public bool Changed => Items.Any(i => i.Outcome != SetupOutcome.Unchanged);

    public int Count(SetupItemKind kind, SetupOutcome outcome) => Items.Count(i => i.Kind == kind && i.Outcome == outcome);
}

/// <summary>What setup needs is not there and it may not create it (Azure: Bicep creates the database and containers).</summary>
public sealed class SetupPreconditionException(string message) : Exception(message);

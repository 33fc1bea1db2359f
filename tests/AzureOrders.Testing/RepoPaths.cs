namespace AzureOrders.Testing;

/// <summary>Finds files in the repository from the test's bin folder (walks up to AzureOrders.sln).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "AzureOrders.sln"))) return dir.FullName;
        throw new InvalidOperationException("AzureOrders.sln not found above " + AppContext.BaseDirectory);
    }
}

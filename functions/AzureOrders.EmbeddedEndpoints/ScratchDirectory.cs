namespace AzureOrders.EmbeddedEndpoints;

/// <summary>A private temp folder for one server's certificate and scripts, removed on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix)
    {
        RemoveLeftovers(prefix);
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    // A host that was killed never ran Dispose; its folders are removed once they are a day old (a running
    // server read its files at start and no longer needs them).
    private static void RemoveLeftovers(string prefix)
    {
        try
        {
            foreach (var dir in new DirectoryInfo(System.IO.Path.GetTempPath()).EnumerateDirectories($"{prefix}-*"))
            {
                if (dir.LastWriteTimeUtc < TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1)) dir.Delete(recursive: true);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: temp folders are cleaned by the OS too */ }
        catch (UnauthorizedAccessException) { }
    }
}

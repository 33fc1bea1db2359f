namespace AzureOrders.EmbeddedEndpoints;

/// <summary>A private temp folder for one server's certificate and scripts, removed on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: temp folders are cleaned by the OS too */ }
        catch (UnauthorizedAccessException) { }
    }
}

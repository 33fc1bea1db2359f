namespace AzureOrders.ServiceBusEmulator;

/// <summary>
/// The data directory's store cannot be used: unreadable or corrupt, locked by another emulator, or a
/// failed write. <see cref="Exception.Message"/> is one line naming the file, meant to be shown as is.
/// </summary>
public sealed class EmulatorStoreException : Exception
{
    public EmulatorStoreException(string storePath, string reason, Exception? innerException = null)
        : base($"Service Bus emulator store '{storePath}': {reason} To start empty, move the file away or use another data directory.", innerException)
    {
        StorePath = storePath;
    }

    /// <summary>The SQLite file in the data directory.</summary>
    public string StorePath { get; }
}

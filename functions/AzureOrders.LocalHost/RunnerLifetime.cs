using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace AzureOrders.LocalHost;

/// <summary>
/// The runner owns SIGINT and SIGTERM (Program.cs) so that it stops in order: consumers, HTTP, saga workers, then
/// the Node.js children. The default console lifetime would also stop the host on those signals, behind the
/// runner's back, leaving Program waiting on a host that is already gone.
/// </summary>
internal sealed class RunnerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A port the runner needs is taken: said in one line, with the option that picks another.</summary>
public sealed class PortInUseException(int port, string what, string option, Exception inner)
    : Exception($"Port {port} ({what}) is already in use on 127.0.0.1. Stop what uses it, or pick another port with {option} <port>.", inner)
{
    public int Port { get; } = port;

    public static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) return true;
            if (e.GetType().Name == "AddressInUseException") return true; // Kestrel's, in Microsoft.AspNetCore.Connections
            if (e is AggregateException a && a.InnerExceptions.Any(IsAddressInUse)) return true;
        }
        return false;
    }
}

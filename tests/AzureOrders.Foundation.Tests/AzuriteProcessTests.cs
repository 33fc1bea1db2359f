using System.Diagnostics;
using AzureOrders.EmbeddedEndpoints;

namespace AzureOrders.Foundation.Tests;

public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task Azurite_listens_on_loopback_ports_and_leaves_no_process_behind()
    {
        var azurite = await EmbeddedAzurite.StartAsync();
        var pid = azurite.ProcessId;
        Assert.All([azurite.BlobEndpoint, azurite.QueueEndpoint, azurite.TableEndpoint], e => Assert.Equal("127.0.0.1", e.Host));
        Assert.Equal(3, new[] { azurite.BlobEndpoint.Port, azurite.QueueEndpoint.Port, azurite.TableEndpoint.Port }.Distinct().Count());

        await azurite.DisposeAsync();

        var deadline = Stopwatch.StartNew();
        while (IsRunning(pid))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10)) Assert.Fail($"Azurite (pid {pid}) still runs after dispose.");
            await Task.Delay(50);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !IsZombie(pid);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // An exited process whose new parent has not reaped it yet (containers often lack an init that does)
    // still has a process entry; it is dead all the same.
    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}

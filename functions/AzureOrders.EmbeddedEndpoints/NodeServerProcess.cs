using System.Diagnostics;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>
/// One Node.js server child process: started with a watchdog that ends it when our stdin pipe closes
/// (so it dies with the test host, even on a hard kill), watched for a readiness signal on stdout with a
/// deadline, and killed with its whole tree on dispose. Keeps the last lines of its output for errors.
/// </summary>
internal sealed class NodeServerProcess : IAsyncDisposable
{
    private const int TailLines = 60;

    private readonly Process process;
    private readonly Queue<string> tail = new();
    private readonly string name;

    private NodeServerProcess(Process process, string name)
    {
        this.process = process;
        this.name = name;
    }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts <c>node --require watchdog [--require preload...] script args</c> and returns once
    /// <paramref name="isReady"/> has seen what it waits for on stdout. <paramref name="isReady"/> is called for
    /// every stdout line until it returns true. <paramref name="preloads"/> maps file names to script text.
    /// </summary>
    public static async Task<NodeServerProcess> StartAsync(
        string name,
        string workingDirectory,
        string scratchDirectory,
        IReadOnlyList<string> nodeArguments,
        Func<string, bool> isReady,
        TimeSpan startTimeout,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? preloads = null)
    {
        // The watchdog loads first, so even a server that hangs while loading dies with its parent.
        KeyValuePair<string, string>[] scripts = [new("watchdog.cjs", WatchdogScript), .. preloads ?? new Dictionary<string, string>()];
        List<string> required = [];
        foreach (var (fileName, script) in scripts)
        {
            var path = Path.Combine(scratchDirectory, fileName);
            await File.WriteAllTextAsync(path, script, cancellationToken);
            required.Add(path);
        }

        var startInfo = new ProcessStartInfo(NodeRuntime.NodeExecutable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var path in required)
        {
            startInfo.ArgumentList.Add("--require");
            startInfo.ArgumentList.Add(path);
        }
        foreach (var argument in nodeArguments) startInfo.ArgumentList.Add(argument);

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new NodeServerProcess(process, name);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Nobody awaits `ready` once a start has timed out; keep its late failure from going unobserved.
        _ = ready.Task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        var stdoutClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderrClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readySeen = false;

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                stdoutClosed.TrySetResult();
                return;
            }
            server.Remember(e.Data);
            if (readySeen) return;
            bool matched;
            try { matched = isReady(e.Data); }
            catch (Exception ex) { ready.TrySetException(ex); return; }
            if (matched)
            {
                readySeen = true;
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) stderrClosed.TrySetResult();
            else server.Remember(e.Data);
        };
        process.Exited += async (_, _) =>
        {
            // The exit can be reported before the last output lines are read; they usually say why.
            try { await Task.WhenAll(stdoutClosed.Task, stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (TimeoutException) { }
            ready.TrySetException(server.Failure($"exited with code {SafeExitCode(process)} before it was ready"));
        };

        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            throw new EmbeddedEndpointException($"Could not start Node.js ({startInfo.FileName}) for {name}: {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(startTimeout, cancellationToken);
            return server;
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw server.Failure($"was not ready within {startTimeout.TotalSeconds:0.#} s");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                // Closing stdin asks the watchdog to exit cleanly (a server with a data folder saves on exit);
                // whatever is still running after a short grace period is killed with its whole tree.
                try { process.StandardInput.Close(); } catch (IOException) { }
                using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
                {
                    try { await process.WaitForExitAsync(grace.Token); }
                    catch (OperationCanceledException) { }
                }
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone: nothing to stop.
        }
        catch (OperationCanceledException)
        {
            // Kill was sent; the OS reaps it. Do not hang a test run on it.
        }
        finally
        {
            process.Dispose();
        }
    }

    private void Remember(string line)
    {
        lock (tail)
        {
            tail.Enqueue(line);
            while (tail.Count > TailLines) tail.Dequeue();
        }
    }

    private EmbeddedEndpointException Failure(string what)
    {
        string output;
        lock (tail) output = string.Join(Environment.NewLine, tail);
        return new EmbeddedEndpointException(
            $"{name} {what}.{Environment.NewLine}Last output:{Environment.NewLine}{(output.Length == 0 ? "(none)" : output)}");
    }

    private static string SafeExitCode(Process process)
    {
        try { return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture); }
        catch (InvalidOperationException) { return "?"; }
    }

    // Loaded before the server script: ends Node when the parent's stdin pipe closes (the parent died or
    // disposed us) or when Node is re-parented (the parent is gone, even while it lingers as a zombie), so no
    // server outlives its test host.
    private const string WatchdogScript = """
        'use strict';
        const parentPid = process.ppid;
        process.stdin.on('end', () => process.exit(0));
        process.stdin.on('error', () => process.exit(0));
        process.stdin.resume();
        setInterval(() => {
          if (process.ppid !== parentPid) process.exit(0);
        }, 500).unref();
        """;
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AzureOrders.LocalHost.Tests;

/// <summary>
/// The local runner as a user starts it: its own process (built next to these tests), in its own process group as a
/// terminal gives it, so a test can signal it (and its Node.js children) the way Ctrl+C or a service manager does.
/// </summary>
public sealed partial class RunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunnerProcess(Process process) => _process = process;

    /// <summary>The runner's pid, which is also its process group id (setsid).</summary>
    public int ProcessId => _process.Id;
    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static RunnerProcess Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AzureOrders.LocalHost.dll");
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "dotnet", dll }.Concat(args)) start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var runner = new RunnerProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        runner._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (runner._stdout) runner._stdout.AppendLine(e.Data);
            if (RunningLine().Match(e.Data) is { Success: true } m) runner._running.TrySetResult(new Uri(m.Groups[1].Value));
        };
        runner._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (runner._stderr) runner._stderr.AppendLine(e.Data); };
        runner._process.Exited += (_, _) => runner._running.TrySetException(new InvalidOperationException("the runner exited before it was running"));
        runner._process.Start();
        runner._process.BeginOutputReadLine();
        runner._process.BeginErrorReadLine();
        return runner;
    }

    /// <summary>The API's base address (http://127.0.0.1:PORT/api/) once the runner says it is running.</summary>
    public async Task<Uri> RunningAsync(TimeSpan timeout)
    {
        try { return await _running.Task.WaitAsync(timeout); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"runner not running: {e.Message}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}"); }
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM) to the runner alone or to its whole process group.</summary>
    public async Task SignalAsync(string signal, bool group)
    {
        using var kill = Process.Start("kill", ["-" + signal, "--", group ? $"-{ProcessId}" : $"{ProcessId}"])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>True when the runner exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cancel.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Processes still in the runner's process group (its Node.js children included).</summary>
    public async Task<IReadOnlyList<string>> GroupMembersAsync()
    {
        var start = new ProcessStartInfo("pgrep", ["-a", "-g", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
        using var pgrep = Process.Start(start)!;
        var output = await pgrep.StandardOutput.ReadToEndAsync();
        await pgrep.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-KILL", "--", $"-{ProcessId}"])!;
            await kill.WaitForExitAsync();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"AzureOrders is running: (http://127\.0\.0\.1:\d+/api/)orders")]
    private static partial Regex RunningLine();
}

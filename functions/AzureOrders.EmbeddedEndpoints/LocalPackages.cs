using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AzureOrders.EmbeddedEndpoints;

/// <summary>
/// The pinned npm packages under infra/local (package.json + package-lock.json), installed with
/// <c>npm ci</c> on first use. A marker holding the lockfile's hash makes later starts skip the install;
/// a machine-wide file lock keeps parallel test processes from running npm ci over each other.
/// </summary>
public static class LocalPackages
{
    /// <summary>Overrides where infra/local is (the folder holding package.json and package-lock.json).</summary>
    public const string DirectoryEnvironmentVariable = "AZUREORDERS_LOCAL_PACKAGES_DIR";

    private const string MarkerFileName = ".azureorders-installed";
    private static readonly SemaphoreSlim InProcessGate = new(1, 1);

    /// <summary>
    /// Finds infra/local: the environment variable, else walking up from the app's base directory and the
    /// current directory, else the folder the assembly was built from.
    /// </summary>
    public static string FindDirectory()
    {
        if (Environment.GetEnvironmentVariable(DirectoryEnvironmentVariable) is { Length: > 0 } configured)
            return Path.GetFullPath(configured);

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "infra", "local");
                if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
            }
        }

        var builtFrom = typeof(LocalPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LocalPackagesDirectory")?.Value;
        if (builtFrom is not null && File.Exists(Path.Combine(builtFrom, "package-lock.json"))) return builtFrom;

        throw new EmbeddedEndpointException(
            $"Could not find infra/local/package-lock.json above {AppContext.BaseDirectory}. " +
            $"Run from inside the repository or set {DirectoryEnvironmentVariable}.");
    }

    /// <summary>Runs <c>npm ci</c> in <paramref name="directory"/> unless the installed tree matches the lockfile.</summary>
    public static async Task EnsureInstalledAsync(string directory, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var expected = LockfileHash(directory);
        if (IsInstalled(directory, expected)) return;

        await InProcessGate.WaitAsync(cancellationToken);
        try
        {
            using var fileLock = await AcquireMachineLockAsync(directory, timeout, cancellationToken);
            // Another process may have finished the install while we waited for the lock.
            if (IsInstalled(directory, expected)) return;
            await RunNpmCiAsync(directory, timeout, cancellationToken);
            // A lockfile without dependencies leaves no node_modules behind; the marker needs the folder.
            Directory.CreateDirectory(Path.Combine(directory, "node_modules"));
            await File.WriteAllTextAsync(Path.Combine(directory, "node_modules", MarkerFileName), expected, cancellationToken);
        }
        finally
        {
            InProcessGate.Release();
        }
    }

    private static bool IsInstalled(string directory, string expectedHash)
    {
        var marker = Path.Combine(directory, "node_modules", MarkerFileName);
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == expectedHash) return true;
        if (!DirectDependenciesMatch(directory)) return false;
        // Someone ran npm ci themselves (a CI step, a developer): adopt that install instead of repeating it.
        File.WriteAllText(marker, expectedHash);
        return true;
    }

    /// <summary>Whether every dependency pinned in package.json is installed at exactly that version.</summary>
    private static bool DirectDependenciesMatch(string directory)
    {
        // npm writes its hidden lockfile at the end of an install; without it the tree may be half-written.
        if (!File.Exists(Path.Combine(directory, "node_modules", ".package-lock.json"))) return false;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "package.json")));
        if (!manifest.RootElement.TryGetProperty("dependencies", out var dependencies)) return false;
        foreach (var dependency in dependencies.EnumerateObject())
        {
            var installed = Path.Combine([directory, "node_modules", .. dependency.Name.Split('/'), "package.json"]);
            if (!File.Exists(installed)) return false;
            using var package = JsonDocument.Parse(File.ReadAllText(installed));
            if (!package.RootElement.TryGetProperty("version", out var version) || version.GetString() != dependency.Value.GetString())
                return false;
        }
        return true;
    }

    private static string LockfileHash(string directory)
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, "package-lock.json"));
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    private static async Task<FileStream> AcquireMachineLockAsync(string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The lock lives in the temp folder: npm ci deletes node_modules, and infra/local is committed.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..16];
        var path = Path.Combine(Path.GetTempPath(), $"azureorders-npm-{key}.lock");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (IOException e)
            {
                throw new EmbeddedEndpointException($"Timed out after {timeout} waiting for another process's npm install ({path}).", e);
            }
        }
    }

    private static async Task RunNpmCiAsync(string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(NodeRuntime.NpmExecutable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }) startInfo.ArgumentList.Add(arg);

        using var process = Process.Start(startInfo) ?? throw new EmbeddedEndpointException("Could not start npm.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new EmbeddedEndpointException($"npm ci in {directory} did not finish within {timeout}.\n{Tail(output)}");
        }

        if (process.ExitCode != 0)
            throw new EmbeddedEndpointException($"npm ci in {directory} failed with exit code {process.ExitCode}.\n{Tail(output)}");
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length <= 4000 ? text : text[^4000..];
        }
    }
}

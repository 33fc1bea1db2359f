using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Tests;

/// <summary>Set SBEMU_TEST_LOG=FILE to get the emulator's Debug log while diagnosing a test.</summary>
internal static class DebugLog
{
    static readonly string? Path = Environment.GetEnvironmentVariable("SBEMU_TEST_LOG");

    public static ILoggerFactory? Factory { get; } = Path is null ? null : new FileLoggerFactory(Path);

    sealed class FileLoggerFactory(string path) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new FileLogger(path);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    sealed class FileLogger(string path) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (path)
            {
                File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} [{Environment.CurrentManagedThreadId}] {formatter(state, exception)} {exception}\n");
            }
        }
    }
}

using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Hosting;

/// <summary>A minimal console logger for the command line, so the library needs only the logging abstractions.</summary>
internal sealed class ConsoleLoggerFactory(LogLevel minimum) : ILoggerFactory
{
    static readonly object Gate = new();

    public ILogger CreateLogger(string categoryName) => new ConsoleLogger(minimum);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    sealed class ConsoleLogger(LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString()[..4].ToLowerInvariant()} {formatter(state, exception)}";
            lock (Gate)
            {
                Console.Error.WriteLine(exception is null ? line : $"{line}{Environment.NewLine}{exception}");
            }
        }
    }
}

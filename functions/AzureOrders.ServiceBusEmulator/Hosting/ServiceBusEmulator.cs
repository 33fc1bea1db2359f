using System.Net;
using System.Net.Sockets;
using AzureOrders.ServiceBusEmulator.Amqp;
using AzureOrders.ServiceBusEmulator.Broker;
using AzureOrders.ServiceBusEmulator.Configuration;
using AzureOrders.ServiceBusEmulator.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AzureOrders.ServiceBusEmulator;

/// <summary>
/// An in-process Service Bus emulator for tests and the local runner:
/// <code>await using var emulator = await ServiceBusEmulator.StartAsync(config, port: 0);</code>
/// then give <see cref="ConnectionString"/> to an unchanged <c>ServiceBusClient</c>.
/// State is in memory unless <see cref="EmulatorOptions.DataDirectory"/> names a directory to keep it in.
/// </summary>
public sealed class ServiceBusEmulator : IAsyncDisposable
{
    /// <summary>The emulator accepts any key; the official emulator's well-known value keeps connection strings familiar.</summary>
    public const string SharedAccessKeyName = "RootManageSharedAccessKey";
    public const string SharedAccessKey = "SAS_KEY_VALUE";

    static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    readonly AmqpServer server;
    readonly EntityRegistry registry;
    readonly ITimer timer;
    readonly ILogger logger;
    readonly DurableJournal? journal;
    int disposed;

    ServiceBusEmulator(AmqpServer server, EntityRegistry registry, ITimer timer, ILogger logger, int port, DurableJournal? journal)
    {
        this.server = server;
        this.registry = registry;
        this.timer = timer;
        this.logger = logger;
        this.journal = journal;
        Port = port;
    }

    /// <summary>The SQLite file holding the state, or null when the emulator runs in memory.</summary>
    public string? StorePath => journal?.FilePath;

    internal DurableJournal? Journal => journal;

    /// <summary>The loopback TCP port the AMQP listener is bound to.</summary>
    public int Port { get; }

    /// <summary>A connection string the unchanged Azure.Messaging.ServiceBus client accepts.</summary>
    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={SharedAccessKeyName};SharedAccessKey={SharedAccessKey};UseDevelopmentEmulator=true";

    /// <summary>Starts the emulator. <paramref name="port"/> 0 picks a free loopback port.</summary>
    /// <param name="timeProvider">Drives locks, TTLs, schedules and duplicate windows; tests may pass a fake one.</param>
    public static Task<ServiceBusEmulator> StartAsync(
        EmulatorConfig config,
        int port = 0,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(config, new EmulatorOptions { Port = port, LoggerFactory = loggerFactory, TimeProvider = timeProvider }, cancellationToken);

    /// <summary>
    /// Starts the emulator; with <see cref="EmulatorOptions.DataDirectory"/> it first restores what the
    /// directory holds, before any client can connect.
    /// </summary>
    /// <exception cref="EmulatorStoreException">The data directory's store cannot be opened or read (the message names the file).</exception>
    public static Task<ServiceBusEmulator> StartAsync(EmulatorConfig config, EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AzureOrders.ServiceBusEmulator");
        var time = options.TimeProvider ?? TimeProvider.System;
        config.Validate(); // before the store is opened: a bad configuration is reported as such
        var journal = options.DataDirectory is { } directory ? DurableJournal.Open(directory, logger) : null;
        try
        {
            var registry = new EntityRegistry(config, time, logger, journal);
            if (journal is not null)
            {
                registry.Restore(journal.Load());
                journal.Start();
            }

            var server = new AmqpServer(registry, logger);
            var boundPort = StartListening(server, options.Port);
            var timer = time.CreateTimer(_ => Tick(registry, logger), null, TickInterval, TickInterval);
            logger.LogInformation("Service Bus emulator listening on 127.0.0.1:{Port} with {Queues} queue(s) and {Topics} topic(s), state {State}",
                boundPort, config.Queues.Count, config.Topics.Count, journal is null ? "in memory" : $"in {journal.FilePath}");
            return Task.FromResult(new ServiceBusEmulator(server, registry, timer, logger, boundPort, journal));
        }
        catch
        {
            journal?.Dispose();
            throw;
        }
    }

    static int StartListening(AmqpServer server, int port)
    {
        if (port != 0)
        {
            server.Start(port);
            return port;
        }

        // The AMQP listener cannot report the port the OS picked, so find a free one first; another
        // process may take it in between, hence a few attempts.
        for (var attempt = 1; ; attempt++)
        {
            var candidate = FreeLoopbackPort();
            try
            {
                server.Start(candidate);
                return candidate;
            }
            catch (SocketException) when (attempt < 5)
            {
            }
        }
    }

    static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    static void Tick(EntityRegistry registry, ILogger logger)
    {
        try
        {
            registry.Tick();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Background sweep failed");
        }
    }

    /// <summary>
    /// Message counts per queue and subscription, what the administration API's runtime properties would
    /// report (it is not emulated); the local runner can show consumer lag from them.
    /// </summary>
    public IReadOnlyList<EntityMessageCounts> GetMessageCounts() => registry.GetCounts();

    /// <summary>Runs the periodic sweep (lock expiry, schedules, TTL) now; tests with a fake clock call it after advancing time.</summary>
    public void RunMaintenance() => registry.Tick();

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            timer.Dispose();
            server.Stop();
            // After the listener: whatever was appended before is committed, nothing new can arrive.
            journal?.Dispose();
            logger.LogInformation("Service Bus emulator on port {Port} stopped", Port);
        }

        return ValueTask.CompletedTask;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Azure.Messaging.ServiceBus;
using AzureOrders.ServiceBusEmulator.Configuration;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Tests;

public class LoggingAndBindingTests
{
    sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }

    [Fact]
    public async Task Lifecycle_and_entities_log_at_Information_and_protocol_traffic_at_Debug()
    {
        var logs = new CapturingLoggerFactory();
        var emulator = await TestEmulators.StartAsync(new EmulatorConfig
        {
            Queues = [new QueueDefinition("commands")],
            Topics = [new TopicDefinition("orders") { Subscriptions = [new SubscriptionDefinition("saga")] }],
        }, loggerFactory: logs);
        await using (var client = new ServiceBusClient(emulator.ConnectionString))
        {
            await using var sender = client.CreateSender("commands");
            await sender.SendMessageAsync(new ServiceBusMessage("x"));
            await using var receiver = client.CreateReceiver("commands");
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
            await receiver.CompleteMessageAsync(message!);
        }

        await emulator.DisposeAsync();

        var information = logs.Entries.Where(e => e.Level == LogLevel.Information).Select(e => e.Message).ToList();
        var debug = logs.Entries.Where(e => e.Level == LogLevel.Debug).Select(e => e.Message).ToList();
        Assert.Contains(information, m => m.Contains("listening on 127.0.0.1:" + emulator.Port));
        Assert.Contains(information, m => m.StartsWith("Queue commands"));
        Assert.Contains(information, m => m.StartsWith("Topic orders"));
        Assert.Contains(information, m => m.StartsWith("Subscription orders/saga"));
        Assert.Contains(information, m => m.Contains("stopped"));
        Assert.Contains(debug, m => m.StartsWith("Attach"));
        Assert.Contains(debug, m => m.StartsWith("Transfer commands"));
        Assert.Contains(debug, m => m.StartsWith("Disposition Accepted"));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_listener_accepts_loopback_connections_only()
    {
        await using var emulator = await TestEmulators.StartAsync(new EmulatorConfig { Queues = [new QueueDefinition("q")] });
        var external = (await Dns.GetHostAddressesAsync(Dns.GetHostName()))
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

        using (var loopback = new TcpClient())
        {
            await loopback.ConnectAsync(IPAddress.Loopback, emulator.Port);
            Assert.True(loopback.Connected);
        }

        if (external is null)
        {
            return; // no non-loopback interface on this machine: nothing else could reach it anyway
        }

        using var outside = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => outside.ConnectAsync(external, emulator.Port));
    }
}

using AzureOrders.ServiceBusEmulator.Broker;
using AzureOrders.ServiceBusEmulator.Cbs;
using AzureOrders.ServiceBusEmulator.Management;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.Logging;

namespace AzureOrders.ServiceBusEmulator.Amqp;

/// <summary>
/// The AMQP side: accepts TCP connections on loopback, negotiates SASL (the client only accepts the
/// anonymous-like MSSBCBS mechanism), and routes each attach to $cbs, an entity's $management node,
/// or an entity (send to a queue/topic, receive from a queue/subscription/dead-letter queue).
/// </summary>
internal sealed class AmqpServer : IRuntimeProvider
{
    // The Standard tier limit, so a message or batch that would be refused in Azure is refused here too.
    const ulong MaxMessageSize = 256 * 1024;
    const string SessionFilter = "com.microsoft:session-filter";

    readonly EntityRegistry registry;
    readonly ILogger logger;
    readonly ReplyLinks replies = new();
    readonly CbsNode cbs;
    readonly ManagementNode management;
    readonly string containerId;
    AmqpConnectionListener? listener;

    public AmqpServer(EntityRegistry registry, ILogger logger)
    {
        this.registry = registry;
        this.logger = logger;
        cbs = new CbsNode(replies, logger);
        management = new ManagementNode(replies, registry.Journal, logger);
        containerId = $"azureorders-sb-emulator-{Environment.ProcessId}";
    }

    public void Start(int port)
    {
        var settings = new AmqpSettings { RuntimeProvider = this };
        var version = new AmqpVersion(new Version(1, 0, 0, 0));
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(version);
        sasl.AddHandler(new SaslAnonymousHandler("MSSBCBS"));
        sasl.AddHandler(new SaslAnonymousHandler());
        settings.TransportProviders.Add(sasl);
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(version);
        settings.TransportProviders.Add(amqp);
        var connectionSettings = new AmqpConnectionSettings
        {
            ContainerId = containerId,
            MaxFrameSize = 64 * 1024,
            IdleTimeOut = 4 * 60 * 1000,
        };
        // Loopback only: the emulator accepts any token, so it must not be reachable from elsewhere.
        // IPv6 loopback too, so "localhost" connection strings work whichever address the client tries;
        // machines without IPv6 get IPv4 alone.
        try
        {
            listener = new AmqpConnectionListener([$"amqp://127.0.0.1:{port}", $"amqp://[::1]:{port}"], settings, connectionSettings);
            listener.Open();
        }
        catch (System.Net.Sockets.SocketException) when (System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            listener?.Close();
            listener = new AmqpConnectionListener([$"amqp://127.0.0.1:{port}"], settings, connectionSettings);
            listener.Open();
        }
    }

    public void Stop() => listener?.Close();

    public AmqpConnection CreateConnection(TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings)
    {
        var connection = new AmqpConnection(transport, protocolHeader, isInitiator, amqpSettings, connectionSettings);
        logger.LogDebug("Connection {Connection} accepted", connection.Identifier);
        connection.Closed += (_, _) => logger.LogDebug("Connection {Connection} closed", connection.Identifier);
        return connection;
    }

    public AmqpSession CreateSession(AmqpConnection connection, AmqpSessionSettings settings) => new(connection, settings, this);

    public AmqpLink CreateLink(AmqpSession session, AmqpLinkSettings settings)
    {
        settings.MaxMessageSize = MaxMessageSize;
        if (settings.IsReceiver())
        {
            // The client sends: grant credit up front and keep it topped up.
            settings.TotalLinkCredit = 1000;
            settings.AutoSendFlow = true;
            return new ReceivingAmqpLink(session, settings);
        }

        // The client receives: its flows grant credit; the store counts it from zero.
        settings.TotalLinkCredit = 0;
        return new SendingAmqpLink(session, settings);
    }

    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        var address = link.IsReceiver ? ((Target)link.Settings.Target).Address?.ToString() : ((Source)link.Settings.Source).Address?.ToString();
        logger.LogDebug("Attach {Role} link {Name} to {Address}", link.IsReceiver ? "incoming" : "outgoing", link.Name, address);
        try
        {
            OpenLink(link, address ?? throw new AmqpException(AmqpErrorCode.InvalidField, "The link has no address."));
        }
        catch (AmqpException e)
        {
            logger.LogDebug("Attach to {Address} refused: {Error}", address, e.Error.Description);
            throw;
        }

        link.Closed += (_, _) => logger.LogDebug("Detach link {Name} from {Address}", link.Name, address);
        return new CompletedResult(callback, state);
    }

    public void EndOpenLink(IAsyncResult result)
    {
    }

    void OpenLink(AmqpLink link, string address)
    {
        var path = EntityRegistry.NormalizePath(address);
        if (string.Equals(path, CbsNode.Address, StringComparison.OrdinalIgnoreCase))
        {
            AttachRequestResponse(link, requests => cbs.Attach(requests));
            return;
        }

        if (path.EndsWith(ManagementNode.Suffix, StringComparison.OrdinalIgnoreCase))
        {
            var target = registry.Resolve(path[..^ManagementNode.Suffix.Length]) ?? throw NotFound(address);
            AttachRequestResponse(link, requests => management.Attach(requests, target));
            return;
        }

        var resolved = registry.Resolve(path) ?? throw NotFound(address);
        if (link is ReceivingAmqpLink incoming)
        {
            var entry = resolved.Entry ?? throw new AmqpException(AmqpErrorCode.NotAllowed, $"Cannot send to '{path}': messages are sent to a queue or a topic.");
            new IncomingEntityLink(incoming, entry, registry.Journal, logger).Start();
            return;
        }

        var outgoing = (SendingAmqpLink)link;
        if (((Source)link.Settings.Source).FilterSet is { } filters && filters.TryGetValue<object>(SessionFilter, out _))
        {
            throw new AmqpException(AmqpErrorCode.NotImplemented, "Sessions are not supported by the embedded Service Bus emulator (the project's topology does not use them).");
        }

        var store = resolved.Store ?? throw new AmqpException(AmqpErrorCode.NotAllowed, $"Cannot receive from topic '{path}': receive from one of its subscriptions ('{path}/Subscriptions/NAME').");
        new OutgoingEntityLink(outgoing, store, registry.Journal, logger).Start();
    }

    void AttachRequestResponse(AmqpLink link, Action<ReceivingAmqpLink> attachRequests)
    {
        if (link is ReceivingAmqpLink requests)
        {
            attachRequests(requests);
        }
        else
        {
            var replyTo = ((Target)link.Settings.Target).Address?.ToString() ?? throw new AmqpException(AmqpErrorCode.InvalidField, "The reply link has no target address.");
            replies.Add((SendingAmqpLink)link, replyTo);
        }
    }

    static AmqpException NotFound(string address) =>
        new(AmqpErrorCode.NotFound, $"The messaging entity '{EntityRegistry.NormalizePath(address)}' could not be found.");

    sealed class CompletedResult : IAsyncResult
    {
        public CompletedResult(AsyncCallback callback, object state)
        {
            AsyncState = state;
            callback(this);
        }

        public object AsyncState { get; }

        public WaitHandle AsyncWaitHandle => throw new NotSupportedException();

        public bool CompletedSynchronously => true;

        public bool IsCompleted => true;
    }
}

using System.Net;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace AzureOrders.Functions.Tests;

/// <summary>Core over the embedded Cosmos server, with a recording publisher and a switch that makes Cosmos answer 503.</summary>
public sealed class CoreFixture : IAsyncLifetime
{
    private readonly CosmosServerFixture cosmos = new();
    private CosmosClient? client;

    public RecordingEventPublisher Publisher { get; } = new();

    public FaultInjectingHandler Faults { get; } = new();

    public CoreServices Core { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await cosmos.InitializeAsync();
        client = CosmosClientFactory.Create(cosmos.ConnectionString, options => options.CustomHandlers.Add(Faults));
        Core = new CoreServices(client, Publisher, TimeProvider.System, new CoreOptions { DatabaseName = $"functions-{Guid.NewGuid():N}" });
        await Core.InitializeLocalAsync();
    }

    public async Task DisposeAsync()
    {
        client?.Dispose();
        await cosmos.DisposeAsync();
    }

    /// <summary>While <see cref="Unavailable"/> is set, every request answers 503 without reaching the server.</summary>
    public sealed class FaultInjectingHandler : RequestHandler
    {
        public volatile bool Unavailable;

        public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken) =>
            Unavailable
                ? Task.FromResult(new ResponseMessage(HttpStatusCode.ServiceUnavailable, request, "injected: service unavailable"))
                : base.SendAsync(request, cancellationToken);
    }
}

[CollectionDefinition(Name)]
public sealed class CoreCollection : ICollectionFixture<CoreFixture>
{
    public const string Name = "core over embedded Cosmos";
}

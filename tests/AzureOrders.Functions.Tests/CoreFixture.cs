using System.Net;
using AzureOrders.Functions.Consumers;
using AzureOrders.Functions.Http;
using AzureOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace AzureOrders.Functions.Tests;

/// <summary>Core over the embedded Cosmos server, with a recording publisher and a switch that makes Cosmos answer 503.</summary>
public sealed class CoreFixture : IAsyncLifetime
{
    private readonly CosmosServerFixture cosmos = new();

    public FaultInjectingHandler Faults { get; } = new();

    /// <summary>The Function App's registrations (the shared harness builder) plus its trigger adapter.</summary>
    public TestSystem System { get; private set; } = null!;

    public RecordingEventPublisher Publisher => System.Publisher;

    public async Task InitializeAsync()
    {
        await cosmos.InitializeAsync();
        System = await new TestSystemBuilder(cosmos.ConnectionString, "functions")
            .ConfigureCosmos(options => options.CustomHandlers.Add(Faults))
            .ConfigureServices(services => services.AddSingleton<ServiceBusConsumer>().AddSingleton<OrdersHttpFunctions>())
            .StartAsync();
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
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

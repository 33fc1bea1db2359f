using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using AzureOrders.Api;
using AzureOrders.Functions.Consumers;
using AzureOrders.Functions.Settings;
using AzureOrders.Functions.Telemetry;
using AzureOrders.Hosting;
using AzureOrders.Messaging;
using AzureOrders.Persistence;
using AzureOrders.Saga;
using AzureOrders.ServiceBus;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The one composition root of the Function App. [Function] classes only bind and delegate to what is registered here.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Fail at start-up, naming every missing setting, rather than on the first message.
var settings = FunctionAppSettings.Load(builder.Configuration);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(TimeProvider.System);

// In Azure there are no keys: the user-assigned identity (AZURE_CLIENT_ID) signs in to Service Bus and Cosmos DB.
var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
{
    ManagedIdentityClientId = settings.ManagedIdentityClientId,
});
builder.Services.AddSingleton<TokenCredential>(credential);

// One order, one trace: our spans and metrics, worker defaults, Application Insights (Entra sign-in) and/or OTLP.
builder.AddAzureOrdersTelemetry(credential);

builder.Services.AddSingleton(sp => settings.ServiceBusConnectionString is { } connection
    ? new ServiceBusClient(connection)
    : new ServiceBusClient(settings.ServiceBusNamespace, sp.GetRequiredService<TokenCredential>()));
builder.Services.AddSingleton<ServiceBusEventPublisher>();
builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<ServiceBusEventPublisher>());

builder.Services.AddSingleton(sp => settings.CosmosConnectionString is { } connection
    ? CosmosClientFactory.Create(connection)
    : CosmosClientFactory.Create(settings.CosmosEndpoint!, sp.GetRequiredService<TokenCredential>()));
builder.Services.AddSingleton(sp => new CoreServices(
    sp.GetRequiredService<Microsoft.Azure.Cosmos.CosmosClient>(),
    sp.GetRequiredService<IEventPublisher>(),
    sp.GetRequiredService<TimeProvider>(),
    new CoreOptions { DatabaseName = settings.CosmosDatabaseName }));
builder.Services.AddSingleton<OrdersApi>();
// The saga: starter, reply router, command sender and the activities the Durable shims resolve.
builder.Services.AddOrderSaga(builder.Configuration);
builder.Services.AddSingleton<ServiceBusConsumer>();
AzureOrders.Functions.Admin.DeadLetterOps.Register(builder.Services); // dead-letter explorer behind ops/deadletters

builder.Build().Run();

using Azure.Core;
using Azure.Identity;
using AzureOrders.DeadLetters;
using AzureOrders.Functions.Consumers;
using AzureOrders.Functions.Telemetry;
using AzureOrders.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Function App's composition root: the same registrations as the local runner and the tests (AddAzureOrders),
// plus what only this host has. [Function] classes bind and make one call into what is registered here.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Fail at start-up, naming every missing setting, rather than on the first message. The options of each service
// (Payments:Gateway, Notifications:Sender, ...) are validated when the host starts, naming the bad key.
var connections = ConnectionSettings.Load(builder.Configuration);

// In Azure there are no keys: the user-assigned identity (AZURE_CLIENT_ID) signs in to Service Bus, Cosmos DB and
// Application Insights, deterministically (no credential chain to walk). Without it (a developer's `func start`
// against Azure resources) the developer's own sign-in is used.
TokenCredential credential = connections.ManagedIdentityClientId is { } clientId
    ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
    : new DefaultAzureCredential();
builder.Services.AddSingleton(credential);

// One order, one trace: our spans and metrics, worker defaults, Application Insights (Entra sign-in) and/or OTLP.
builder.AddAzureOrdersTelemetry(credential);

builder.Services.AddAzureOrders(builder.Configuration, connections);
builder.Services.AddDeadLetterExplorer(); // behind the admin-level ops/deadletters routes
builder.Services.AddSingleton<ServiceBusConsumer>();

builder.Build().Run();

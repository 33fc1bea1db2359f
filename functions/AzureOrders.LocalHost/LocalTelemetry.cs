using AzureOrders.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AzureOrders.LocalHost;

/// <summary>
/// The local runner's OpenTelemetry: the same sources and meter as the Function App (ours, Durable Task, Cosmos DB)
/// plus the ASP.NET Core server spans; OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (e.g. a local Aspire dashboard
/// or Jaeger), the console on request, and whatever <see cref="LocalSystemOptions.ConfigureTelemetry"/> adds (tests).
/// </summary>
public static class LocalTelemetry
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void Add(WebApplicationBuilder builder, LocalEndpoints endpoints, LocalSystemOptions options)
    {
        // Azure SDK clients (Cosmos DB) emit their spans through ActivitySource only with this switch on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        // Log lines written under one of our spans carry its tags (correlation id, order id) as scope values.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId | ActivityTrackingOptions.Tags);

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting] ?? Environment.GetEnvironmentVariable(OtlpEndpointSetting));
        // Spans only when something receives them: a tracer provider with no exporter still samples and fills every
        // span of every Cosmos request, message and saga step: work nobody reads.
        var tracingWanted = otlp || options.TelemetryConsole || options.ConfigureTelemetry is not null;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("AzureOrders.LocalHost"));
        if (tracingWanted)
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.Name).AddSource([.. Telemetry.DependencySources]).AddAspNetCoreInstrumentation(http =>
                    // The in-process Durable backend talks gRPC to itself; its sidecar calls are plumbing, not requests.
                    http.Filter = context => !context.Request.Path.StartsWithSegments("/TaskHubSidecarService"));
                if (otlp) tracing.AddOtlpExporter();
                if (options.TelemetryConsole) tracing.AddConsoleExporter();
            });
        telemetry
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.Name);
                if (otlp) metrics.AddOtlpExporter();
                if (options.TelemetryConsole) metrics.AddConsoleExporter();
            })
            .WithLogging(logging =>
            {
                if (otlp) logging.AddOtlpExporter();
            }, o => o.IncludeScopes = true);
        options.ConfigureTelemetry?.Invoke(telemetry);

        builder.Services.AddSingleton(new ConsumerLagSampler.Source(endpoints.ServiceBus.GetMessageCounts, options.LagSampleInterval));
        builder.Services.AddHostedService<ConsumerLagSampler>();
    }
}

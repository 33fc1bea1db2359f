using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using AzureOrders.Diagnostics;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AzureOrders.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the worker (host.json has telemetryMode OpenTelemetry, so the host exports its own part):
/// the worker defaults, our ActivitySource and Meter, the Durable Task and Cosmos DB spans; exported to
/// Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set and over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is.
/// </summary>
public static class FunctionAppTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <param name="credential">
    /// Application Insights has local authentication off: the exporter signs in with Entra ID (the app's
    /// user-assigned identity) and the connection string only says where to send.
    /// </param>
    public static IHostApplicationBuilder AddAzureOrdersTelemetry(this IHostApplicationBuilder builder, TokenCredential credential)
    {
        // Azure SDK clients (Cosmos DB) emit their spans through ActivitySource only with this switch on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        // Every log line written under one of our spans carries its tags (correlation id, order id) as scope values.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId | ActivityTrackingOptions.Tags);

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing =>
            {
                tracing.AddSource(Diagnostics.Telemetry.Name).AddSource([.. Diagnostics.Telemetry.DependencySources]);
                if (otlp) tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Diagnostics.Telemetry.Name);
                if (otlp) metrics.AddOtlpExporter();
            })
            .WithLogging(logging =>
            {
                if (otlp) logging.AddOtlpExporter();
            }, options => options.IncludeScopes = true);

        if (builder.Configuration[ConnectionStringSetting] is { Length: > 0 } connectionString)
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            });
        return builder;
    }
}

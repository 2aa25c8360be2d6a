using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Metrics;
using Syncwarden.Runs;

namespace Syncwarden.Web;

/// <summary>The exporter of Core's metrics: OpenTelemetry's Prometheus exporter, listening to the Syncwarden meter.</summary>
public sealed record MetricsExport(MeterProvider Provider, JobGauges Gauges);

internal static class MetricsApi
{
    /// <summary>
    /// Registers the daemon's metrics: the run counters watch the event hub, the gauges read the scheduler at scrape time.
    /// Only the daemon with a dashboard has them; `syncwarden run` never pays for them.
    /// </summary>
    public static IServiceCollection AddSyncwardenMetrics(this IServiceCollection services)
    {
        // Built first: System.Diagnostics.Metrics drops what is recorded while nobody listens, and RunMetrics records
        // the durations of past runs as it is made.
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .AddMeter(RunMetrics.DefaultMeterName)
            .AddPrometheusExporter(o =>
            {
                // Exactly the documented names: no otel_scope_* labels, no target_info, and every scrape sees the current values.
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            })
            .Build());
        services.AddSingleton(sp =>
        {
            _ = sp.GetRequiredService<MeterProvider>();
            return new RunMetrics(sp.GetRequiredService<LiveConfiguration>(), sp.GetRequiredService<HistoryStore>());
        });
        services.AddSingleton<IRunEventSubscriber>(sp => sp.GetRequiredService<RunMetrics>());
        services.AddSingleton(sp => new MetricsExport(sp.GetRequiredService<MeterProvider>(), new JobGauges(
            sp.GetRequiredService<RunMetrics>(), sp.GetRequiredService<JobScheduler>(), sp.GetRequiredService<LiveRuns>(), sp.GetRequiredService<TimeProvider>())));
        return services;
    }

    /// <summary>GET /metrics: Prometheus' text exposition format; read-only, so open like the other read endpoints.</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app, MetricsExport metrics)
    {
        app.MapPrometheusScrapingEndpoint("/metrics", metrics.Provider, configureBranchedPipeline: null, optionsName: null);
        return app;
    }
}

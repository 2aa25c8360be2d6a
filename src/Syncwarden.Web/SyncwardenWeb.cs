using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Web;

/// <summary>Registers the web layer in the daemon, and maps every endpoint area in one place.</summary>
public static class SyncwardenWeb
{
    /// <summary>Adds the dashboard to the daemon when <c>web:</c> is configured; the token was read (and checked) by the caller.</summary>
    public static IServiceCollection AddSyncwardenWeb(this IServiceCollection services, SyncwardenConfig config, WebToken token)
    {
        if (config.Web is not { } settings)
        {
            return services;
        }
        services.AddSyncwardenMetrics();
        services.AddSingleton(sp => new WebContext(
            sp.GetRequiredService<JobStatusQuery>(), sp.GetRequiredService<JobScheduler>(), sp.GetRequiredService<HistoryStore>(),
            sp.GetRequiredService<RunEventHub>(), token, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<MetricsExport>()));
        services.AddSingleton(sp => new WebDashboard(settings, sp.GetRequiredService<WebContext>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<WebDashboard>());
        return services;
    }

    /// <summary>Every endpoint area; a new area adds one line here.</summary>
    internal static IEndpointRouteBuilder MapSyncwardenWeb(this IEndpointRouteBuilder app, WebContext context)
    {
        app.MapHealthApi();
        app.MapSessionApi(context.Token);
        app.MapJobsApi(context.Token);
        app.MapRunsApi();
        app.MapEventsApi();
        app.MapStandbyApi();
        app.MapPagesApi();
        app.MapMetrics(context.Metrics);
        // Anything else under /api is a JSON error too, not an empty 404.
        app.MapFallback("/api/{**path}", (HttpRequest request) =>
            WebErrors.Problem(StatusCodes.Status404NotFound, $"there is no API endpoint {request.Method} {request.Path} (docs/api.md lists them)"));
        return app;
    }
}

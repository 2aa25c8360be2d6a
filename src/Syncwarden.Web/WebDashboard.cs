using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;

namespace Syncwarden.Web;

/// <summary>
/// The daemon's web server: its own small ASP.NET Core application (slim builder, Kestrel on the configured
/// address), started and stopped with the daemon. It reads the daemon's services (status, history, the event
/// hub) through <see cref="WebContext"/> and never reaches into a run.
/// </summary>
public sealed class WebDashboard(WebSettings settings, WebContext context, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<WebDashboard>();
    private WebApplication? _app;

    /// <summary>The address actually bound (the configured port, or the one the kernel chose for port 0 in tests).</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "syncwarden" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(settings.Listen);
            k.AddServerHeader = false;
        });
        builder.Services.AddSingleton(context);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJson.Readable));

        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            // Nothing here may be framed by another site or cached by a proxy (live state, tokens typed into forms).
            http.Response.Headers.XFrameOptions = "DENY";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "no-store";
            // The pages load only their own embedded files: no inline script, nothing from elsewhere.
            http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            await next(http).ConfigureAwait(false);
        });
        app.UseReadGuard(context.Token, required: !settings.IsLoopback);
        app.MapSyncwardenWeb(context);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var bound = app.Urls.FirstOrDefault() ?? $"http://{settings.Listen}";
        Address = new Uri(bound.Replace("://[::]", "://[::1]", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));
        _logger.LogInformation("dashboard listening on {Address}", Address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Hands ASP.NET Core's log categories to the daemon's logger factory (journald-friendly stderr or the log file).</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Notifications;
using Syncwarden.Power;
using Syncwarden.Processes;
using Syncwarden.Runs;
using Syncwarden.Status;
using Syncwarden.Systemd;

namespace Syncwarden;

/// <summary>
/// The one place where Syncwarden's parts are registered. A new capability that watches runs adds an
/// <see cref="IRunEventSubscriber"/> here; one that acts before or after the syncs adds a step to
/// <see cref="RunPipeline"/>. Commands never wire either by hand.
/// </summary>
public static class SyncwardenServices
{
    /// <summary>What running jobs needs, for `run` and the daemon alike.</summary>
    public static IServiceCollection AddSyncwarden(this IServiceCollection services, SyncwardenConfig config, Func<ConfigLoadResult> reload)
    {
        // Every registration on the path of `run` is a factory: resolving one costs a delegate call, where
        // constructor discovery and open generics (ILogger<T>, options) cost milliseconds per run under NativeAOT.
        services.TryAddSingleton(TimeProvider.System);
        // The runner logs a child that outlives SIGKILL; it gets the host's logger.
        services.TryAddSingleton(sp => new ProcessRunner(LoggerFor<ProcessRunner>(sp)));
        services.AddSingleton(new LiveConfiguration(config, reload));
        services.AddSingleton(_ => HistoryStore.Open(config.StateDir));
        services.AddSingleton(sp => new RunEventHub(sp.GetServices<IRunEventSubscriber>(), LoggerFor<RunEventHub>(sp)));
        services.AddSingleton(_ => new LiveRuns());
        services.AddSingleton<IRunEventSubscriber>(sp => sp.GetRequiredService<LiveRuns>());
        services.AddSingleton(sp => new JobRunnerFactory(
            sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<RunEventHub>(), LoggerFor<JobRunner>(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ProcessRunner>()));
        services.AddSingleton(sp => sp.GetRequiredService<JobRunnerFactory>().Create(config));
        services.AddSingleton(sp => new Verification.VerifyRunner(
            sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<RunEventHub>(), sp.GetRequiredService<ProcessRunner>(),
            sp.GetRequiredService<TimeProvider>(), LoggerFor<Verification.VerifyRunner>(sp)));
        // Nothing of notifications exists on the path of `run` unless the file configures some.
        if (HasNotifications(config))
        {
            services.AddNotifications();
        }
        return services;
    }

    /// <summary>Whether the file names a mail server, a webhook or a ping, globally or for a job.</summary>
    public static bool HasNotifications(SyncwardenConfig config) =>
        !config.Notifications.IsEmpty || config.Jobs.Any(j => !j.Notifications.IsEmpty);

    /// <summary>The notifier (mail, webhooks, pings) as a run watcher; <c>notify test</c> resolves it directly.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Notifier)))
        {
            return services;
        }
        services.AddSingleton(_ => new EmailSender());
        services.AddSingleton(_ => new WebhookSender(Notifier.HttpTimeout));
        services.AddSingleton(sp => new Notifier(
            sp.GetRequiredService<LiveConfiguration>(), sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<EmailSender>(),
            sp.GetRequiredService<WebhookSender>(), sp.GetRequiredService<TimeProvider>(), LoggerFor<Notifier>(sp)));
        services.AddSingleton<IRunEventSubscriber>(sp => sp.GetRequiredService<Notifier>());
        return services;
    }

    /// <summary>A category logger straight from the factory, without the open generic <c>ILogger&lt;T&gt;</c> registration.</summary>
    private static ILogger<T> LoggerFor<T>(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger<T>();

    /// <summary>The daemon on top: the scheduler, the control socket, deep sleep and systemd notifications.</summary>
    public static IServiceCollection AddSyncwardenDaemon(this IServiceCollection services, SyncwardenConfig config)
    {
        services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
        services.TryAddSingleton<IUserSessionSource>(_ => new UtmpSessionSource());
        services.AddSingleton<PowerState>();
        services.AddSingleton<IRunEventSubscriber, PowerPolicy>();
        services.AddSingleton<IRunEventSubscriber, SystemdEvents>();
        // Always in the daemon: a reload may add receivers, and the failing state is kept even while nobody is told.
        services.AddNotifications();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton(sp => new JobStatusQuery(
            sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<JobScheduler>(), sp.GetRequiredService<LiveRuns>(),
            sp.GetRequiredService<PowerState>()));
        services.AddSingleton<ControlSocket>();
        // Started in this order and stopped in reverse: the event hub drains last (mails about the final runs go out),
        // and the control socket answers until the last run has stopped.
        services.AddHostedService(sp => new EventHubDrain(sp.GetRequiredService<RunEventHub>(), Notifier.DeliveryWait));
        services.AddHostedService(sp => sp.GetRequiredService<ControlSocket>());
        // Before the scheduler, so it stops after it and its last write shows no job running.
        services.AddHostedService(sp => new StatusFileWriter(
            sp.GetRequiredService<LiveConfiguration>(), sp.GetRequiredService<JobStatusQuery>(), sp.GetRequiredService<TimeProvider>(),
            LoggerFor<StatusFileWriter>(sp)));
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        if (config.Standby is not null)
        {
            services.AddHostedService(sp => new Standby.HandoverWatcher(
                sp.GetRequiredService<LiveConfiguration>(), sp.GetRequiredService<ProcessRunner>(), sp.GetRequiredService<TimeProvider>(),
                LoggerFor<Standby.HandoverWatcher>(sp)));
        }
        // Running transfers get the shutdown grace to stop (SIGTERM, then SIGKILL), plus time for their after hooks.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = config.Daemon.ShutdownGrace + TimeSpan.FromMinutes(2));
        return services;
    }
}

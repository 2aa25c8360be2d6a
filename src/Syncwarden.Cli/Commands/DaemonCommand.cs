using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Systemd;
using Syncwarden.Web;

namespace Syncwarden.Cli.Commands;

/// <summary>
/// The service: a generic host running the scheduler until SIGTERM/SIGINT. SIGHUP runs every job now;
/// `syncwarden reload` re-reads the configuration without touching running transfers.
/// </summary>
internal static class DaemonCommand
{
    public static Command Create()
    {
        var command = new Command("daemon", "Run jobs on their schedules until stopped (SIGHUP: run all now; SIGTERM: graceful stop)");
        command.SetAction((parse, cancellationToken) =>
            RunAsync(ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption)), CliContext.LoadConfig(parse), cancellationToken));
        return command;
    }

    /// <summary>
    /// The daemon until SIGTERM, SIGINT or <paramref name="cancellationToken"/>; `demo` runs it in-process to show
    /// the dashboard.
    /// </summary>
    public static async Task<int> RunAsync(string configPath, SyncwardenConfig config, CancellationToken cancellationToken)
    {
        using var instance = InstanceLock.TryAcquire(config.StateDir, configPath, out var holder)
            ?? throw new UserError($"another syncwarden daemon is already running for state dir {config.StateDir} ({holder}); stop it first", CliApp.Failed);

        // A dashboard that cannot guard its buttons does not start: say why before anything listens.
        var token = WebToken.None;
        if (config.Web?.TokenFile is { } tokenFile)
        {
            token = WebToken.Load(tokenFile, out var tokenError);
            if (tokenError is not null)
            {
                throw new UserError(tokenError, CliApp.Failed);
            }
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSyncwardenLogging(config.Log, new StderrLine(Console.Error));
        builder.Services.AddSyncwarden(config, () => ConfigLoader.Load(configPath)).AddSyncwardenDaemon(config).AddSyncwardenWeb(config, token);
        using var host = builder.Build();
        // The notifier has read NOTIFY_SOCKET; rsync, ssh and hooks must not inherit it.
        _ = host.Services.GetRequiredService<ISystemdNotifier>();
        SystemdMessages.HideSocketFromChildren();

        var scheduler = host.Services.GetRequiredService<JobScheduler>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        // SIGTERM is the systemd lifetime's; SIGINT (a terminal) stops the same way; SIGHUP means "run all now".
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; lifetime.StopApplication(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; scheduler.RunNow(); });
        if (IgnoredSignals.IsIgnored(IgnoredSignals.SIGHUP))
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Syncwarden.Daemon").LogWarning(
                "SIGHUP is ignored in this process (started under nohup, or by a parent that ignores it), so kill -HUP will not run the jobs now; "
                + "start the daemon without nohup (as systemd does), or use syncwarden run");
        }
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return CliApp.Ok;
    }
}

internal static class ReloadCommand
{
    public static Command Create()
    {
        var command = new Command("reload", "Make the running daemon re-read its configuration (running transfers continue)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var reply = await ControlSocket.SendAsync(config.StateDir, new ControlRequest(ControlCommand.Reload), cancellationToken).ConfigureAwait(false)
                ?? throw new UserError($"no syncwarden daemon is running for state dir {config.StateDir}", CliApp.Failed);
            (reply.Ok ? Console.Out : Console.Error).WriteLine(reply.Message);
            return reply.Ok ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Power;
using Syncwarden.Runs;
using Syncwarden.Systemd;

namespace Syncwarden.Cli.Commands;

/// <summary>
/// The service: runs jobs on their schedules until SIGTERM/SIGINT. SIGHUP runs every job now;
/// `syncwarden reload` re-reads the configuration without touching running transfers.
/// </summary>
internal static class DaemonCommand
{
    public static Command Create()
    {
        var command = new Command("daemon", "Run jobs on their schedules until stopped (SIGHUP: run all now; SIGTERM: graceful stop)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configPath = ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption));
            var config = CliContext.LoadConfig(parse);
            using var instance = InstanceLock.TryAcquire(config.StateDir, configPath, out var holder)
                ?? throw new UserError($"another syncwarden daemon is already running for state dir {config.StateDir} ({holder}); stop it first", CliApp.Failed);

            using var stop = new CancellationTokenSource();
            using var logger = new ConsoleLogger(config.Log);
            using var history = HistoryStore.Open(config.StateDir);
            var host = new DaemonHost(config, () => ConfigLoader.Load(configPath), history, new ProgressBoard(), logger);

            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; host.RunNow(); });
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);

            using var notifier = SystemdNotifier.FromEnvironment();
            // A broken NOTIFY_SOCKET is worth a warning, never a stopped daemon.
            void Notify(Func<bool> send)
            {
                try
                {
                    send();
                }
                catch (IOException ex)
                {
                    Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, "systemd notification failed: {Message}", ex.Message);
                }
            }
            host.OnReady = () => Notify(() => notifier.Ready($"{host.Config.Jobs.Count} job(s), {host.Config.Jobs.Count(j => j.Schedule is not null)} scheduled"));
            host.OnReloading = () => Notify(notifier.Reloading);
            var idlePower = new IdlePower(host, logger);
            host.OnIdle = idlePower.OnIdleAsync;
            host.OnRunFinished = _ => idlePower.Rearm();

            await using var control = new ControlSocket(host, config.StateDir, logger);
            control.Start();
            await host.RunAsync(linked.Token).ConfigureAwait(false);
            Notify(notifier.Stopping);
            return CliApp.Ok;
        });
        return command;
    }
}

/// <summary>
/// Deep sleep between runs: when the daemon is idle it asks the power manager (again each minute
/// while something keeps the host awake, logging only changes of mind). It sleeps once per idle
/// period: after a wake-up (by the RTC alarm or by hand) it stays up until the next run has finished.
/// </summary>
internal sealed class IdlePower(DaemonHost host, Microsoft.Extensions.Logging.ILogger logger)
{
    private string? _lastDecision;
    private volatile bool _armed = true;

    public void Rearm() => _armed = true;

    public async Task<bool> OnIdleAsync(DateTimeOffset? nextRun, CancellationToken cancellationToken)
    {
        var settings = host.Config.Power;
        if (!settings.SleepAfterRun || !_armed)
        {
            return false;
        }
        var power = new PowerManager(settings, new UtmpSessionSource());
        // A `syncwarden run` started outside the daemon (cron, ssh) holds its job's run lock.
        var jobsDir = Path.Combine(host.Config.StateDir, "jobs");
        var manualRun = Directory.Exists(jobsDir) && Directory.EnumerateFiles(jobsDir, "*.running").Any();
        var decision = await power.DecideAsync(DateTimeOffset.UtcNow, nextRun, jobsRunning: manualRun, cancellationToken).ConfigureAwait(false);
        var text = decision is StayAwake awake ? awake.Reason + ": " + awake.Message : decision.Describe();
        if (text != _lastDecision)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "power: {Decision}", decision.Describe());
            _lastDecision = text;
        }
        if (decision is not Sleep)
        {
            return false;
        }
        try
        {
            await power.SleepAsync(decision, cancellationToken).ConfigureAwait(false);
        }
        catch (SleepFailedException ex)
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogError(logger, "power: {Message}", ex.Message);
            _lastDecision = "failed";
            return false;
        }
        _lastDecision = null;
        _armed = false;
        return true;
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
            var reply = await ControlSocket.SendAsync(config.StateDir, "reload", cancellationToken).ConfigureAwait(false)
                ?? throw new UserError($"no syncwarden daemon is running for state dir {config.StateDir}", CliApp.Failed);
            (reply.Ok ? Console.Out : Console.Error).WriteLine(reply.Message);
            return reply.Ok ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Runs;

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

            await using var control = new ControlSocket(host, config.StateDir, logger);
            control.Start();
            await host.RunAsync(linked.Token).ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
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

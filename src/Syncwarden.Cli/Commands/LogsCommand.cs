using System.CommandLine;
using System.Globalization;
using Syncwarden.History;
using Syncwarden.Processes;

namespace Syncwarden.Cli.Commands;

/// <summary>`syncwarden logs RUN_ID [--follow]`: prints a run's log file; with --follow, keeps printing until the run has ended.</summary>
internal static class LogsCommand
{
    /// <summary>How often --follow looks for new lines and for the end of the run.</summary>
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var runId = new Argument<long>("run") { Description = "The run's id (the RUN column of 'syncwarden history', \"id\" in its --json)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines while the run is running; end when it has finished" };
        var command = new Command("logs", "Print a run's log (rsync's output and syncwarden's notes)");
        command.Arguments.Add(runId);
        command.Options.Add(follow);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var id = parse.GetValue(runId);
            using var history = HistoryStore.Open(config.StateDir);
            var run = history.Get(id) ?? throw new UserError(
                $"no run {id.ToString(CultureInfo.InvariantCulture)} in the history of state dir {config.StateDir}; 'syncwarden history' lists the runs with their ids");
            if (run.LogFile is not { Length: > 0 } path || !File.Exists(path))
            {
                throw new UserError(
                    $"the log of run {id.ToString(CultureInfo.InvariantCulture)} ({run.Job}, {run.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}) is no longer kept: only the newest run-logs.keep ({config.RunLogs.Keep.ToString(CultureInfo.InvariantCulture)}) logs are",
                    CliApp.Failed);
            }
            await using var stdout = Console.OpenStandardOutput();
            await using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await log.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(follow))
            {
                return CliApp.Ok;
            }
            // The writer (a `run` or the daemon) flushes its notes at once and rsync's lines within about a second;
            // the run has ended once its record says so, or once the process that ran it is gone.
            while (IsRunning(history.Get(id)))
            {
                await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
                await log.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            }
            // The last lines, written before the record was closed.
            await log.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
            return CliApp.Ok;
        });
        return command;
    }

    private static bool IsRunning(RunRecord? run) =>
        run is { Result: RunResult.Running } && (run.ProcessId is not { } pid || ProcessRunner.IsAlive(pid));
}

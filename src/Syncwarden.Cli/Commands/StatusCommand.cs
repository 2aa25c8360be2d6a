using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Cli.Commands;

internal static class StatusCommand
{
    /// <summary>Characters of the last error shown in the table.</summary>
    public const int ErrorWidth = 60;

    public static Command Create()
    {
        var command = new Command("status", "Show each job's last result, last run, duration, bytes and last success");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            // The daemon knows next runs, running jobs, missed runs and live activity; without it, the same
            // query runs here and next runs come from the schedules.
            var daemon = await ControlSocket.SendAsync(config.StateDir, new ControlRequest(ControlCommand.Status), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<JobStatus> rows;
            if (daemon?.Jobs is { } fromDaemon)
            {
                rows = fromDaemon;
            }
            else
            {
                using var history = HistoryStore.Open(config.StateDir);
                rows = new JobStatusQuery(history, TimeProvider.System).All(config);
            }

            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJson.Readable.IReadOnlyListJobStatus));
                return CliApp.Ok;
            }
            var now = TimeProvider.System.GetUtcNow();
            var table = new TextTable("JOB", "DIRECTION", "LAST RESULT", "LAST RUN", "DURATION", "TRANSFERRED", "LAST SUCCESS", "AGE", "NEXT RUN", "ERROR");
            var shortened = false;
            foreach (var r in rows)
            {
                // The last run's error in one short line; `history` has the whole text.
                var error = r.Running || r.LastError is null ? "" : Format.OneLine(r.LastError, ErrorWidth);
                shortened |= error.Length > 0 && error != Format.OneLine(r.LastError!, int.MaxValue);
                table.Add(r.Job, r.Direction + (r.Host is { } h ? " " + h : ""), r.Running ? "running" + (r.Activity is { } a ? ": " + a : "") : r.LastResult?.ToKebabCase() ?? "never run",
                    Format.Time(r.LastRunAt), Format.Duration(r.LastDurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null),
                    r.LastBytesTransferred is { } b ? Format.Bytes(b) : "-", Format.Time(r.LastSuccessAt),
                    // How old the copy is; STALE once older than the job's stale-after (or it never succeeded).
                    JobConditions.Age(r.LastSyncTime, now) + (r.Stale ? " STALE" : ""),
                    r.Schedule is null ? "on demand" : Format.Time(r.NextRunAt) + (r.Missed > 0 ? $" ({r.Missed} missed)" : ""), error);
            }
            Console.WriteLine(table);
            if (rows.Select(r => r.Standby).OfType<Syncwarden.Standby.StandbyStatus>().FirstOrDefault() is { } pair)
            {
                Console.WriteLine(StandbyLine(pair));
            }
            Console.WriteLine(daemon is not null ? "daemon: running" : "daemon: not running (next runs are when it would run them)");
            if (shortened)
            {
                Console.WriteLine("errors are shortened; 'syncwarden history JOB' shows them in full");
            }
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>The standby pair in one line: role, epoch, peer, lag and the last good sync (and refused pushes, if any).</summary>
    public static string StandbyLine(Syncwarden.Standby.StandbyStatus s)
    {
        var lag = s.LagSeconds is { } l ? Configuration.DurationParser.Format(TimeSpan.FromSeconds(Math.Floor(l))) : "unknown";
        var line = $"standby pair: {s.ThisHost} is the {s.Role.ToKebabCase().ToUpperInvariant()} in epoch {s.Epoch}, peer {s.Peer}, primary {s.Primary}; "
            + $"last good sync {Format.Time(s.LastGoodSync)}, lag {lag}{(s.Lagging ? " (more than max-lag)" : "")}";
        return s.RefusedPushes > 0 ? line + $"; {s.RefusedPushes} push(es) refused by a higher epoch, last: {s.LastRefusal}" : line;
    }
}

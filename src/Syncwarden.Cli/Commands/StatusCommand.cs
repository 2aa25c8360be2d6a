using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Daemon;
using Syncwarden.History;

namespace Syncwarden.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show each job's last result, last run, duration, bytes and last success");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            using var history = HistoryStore.Open(config.StateDir);
            // The daemon knows next runs, running jobs and missed runs; without it, next runs come from the schedules.
            var daemon = (await ControlSocket.SendAsync(config.StateDir, "status", cancellationToken).ConfigureAwait(false))?.Jobs?.ToDictionary(j => j.Job, StringComparer.Ordinal);
            var now = DateTimeOffset.UtcNow;
            var zone = config.Daemon.ResolveTimeZone();
            var rows = config.Jobs.Select(job =>
            {
                var live = daemon?.GetValueOrDefault(job.Name);
                var last = history.LastRun(job.Name);
                var success = last?.Result is RunResult.Succeeded or RunResult.Warning ? last : history.LastSuccess(job.Name);
                return new JobStatusJson(job.Name, job.Direction.ToString().ToLowerInvariant(), job.Host, job.Syncs.Count,
                    last?.Result, last?.StartedAt, last?.Duration?.TotalSeconds,
                    last?.BytesTransferred, success?.EndedAt, last?.Error,
                    job.Schedule?.Describe(), live is not null ? live.NextRun : job.Schedule?.NextAfter(now, zone),
                    live?.Running ?? last?.Result == RunResult.Running, live?.Missed ?? 0, Activity(live?.Progress));
            }).ToList();

            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<JobStatusJson>>(rows, CliJson.Default.IReadOnlyListJobStatusJson));
                return CliApp.Ok;
            }
            var table = new TextTable("JOB", "DIRECTION", "LAST RESULT", "LAST RUN", "DURATION", "TRANSFERRED", "LAST SUCCESS", "NEXT RUN");
            foreach (var r in rows)
            {
                table.Add(r.Job, r.Direction + (r.Host is { } h ? " " + h : ""), r.Running ? "running" + (r.Activity is { } a ? ": " + a : "") : r.LastResult?.ToKebabCase() ?? "never run",
                    Format.Time(r.LastRunAt), Format.Duration(r.LastDurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null),
                    r.LastBytesTransferred is { } b ? Format.Bytes(b) : "-", Format.Time(r.LastSuccessAt),
                    r.Schedule is null ? "on demand" : Format.Time(r.NextRunAt) + (r.Missed > 0 ? $" ({r.Missed} missed)" : ""));
            }
            Console.WriteLine(table);
            Console.WriteLine(daemon is not null ? "daemon: running" : "daemon: not running (next runs are when it would run them)");
            foreach (var r in rows.Where(r => r.LastError is not null && r.LastResult is RunResult.Failed or RunResult.Warning or RunResult.Cancelled))
            {
                Console.WriteLine($"{r.Job}: {r.LastError}");
            }
            return CliApp.Ok;
        });
        return command;
    }


    /// <summary>What a running job is doing now: "transferring 45%", "waiting: lock nas1:/x held by ...".</summary>
    private static string? Activity(Runs.RunProgress? p) => p switch
    {
        null => null,
        { Phase: Runs.RunPhase.Transferring } => $"transferring {p.Percent}%",
        { Message: { } message } => $"{p.Phase.ToString().ToLowerInvariant()}: {message}",
        _ => p.Phase.ToString().ToLowerInvariant(),
    };
}

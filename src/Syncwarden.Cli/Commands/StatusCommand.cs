using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.History;

namespace Syncwarden.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show each job's last result, last run, duration, bytes and last success");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(parse =>
        {
            var config = CliContext.LoadConfig(parse);
            using var history = HistoryStore.Open(config.StateDir);
            var rows = config.Jobs.Select(job =>
            {
                var last = history.LastRun(job.Name);
                var success = last?.Result is RunResult.Succeeded or RunResult.Warning ? last : history.LastSuccess(job.Name);
                return new JobStatusJson(job.Name, job.Direction.ToString().ToLowerInvariant(), job.Host, job.Syncs.Count,
                    last is null ? null : HistoryStore.ResultName(last.Result), last?.StartedAt, last?.Duration?.TotalSeconds,
                    last?.BytesTransferred, success?.EndedAt, last?.Error);
            }).ToList();

            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<JobStatusJson>>(rows, CliJson.Default.IReadOnlyListJobStatusJson));
                return CliApp.Ok;
            }
            var table = new TextTable("JOB", "DIRECTION", "LAST RESULT", "LAST RUN", "DURATION", "TRANSFERRED", "LAST SUCCESS");
            foreach (var r in rows)
            {
                table.Add(r.Job, r.Direction + (r.Host is { } h ? " " + h : ""), r.LastResult ?? "never run",
                    Format.Time(r.LastRunAt), Format.Duration(r.LastDurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null),
                    r.LastBytesTransferred is { } b ? Format.Bytes(b) : "-", Format.Time(r.LastSuccessAt));
            }
            Console.WriteLine(table);
            foreach (var r in rows.Where(r => r.LastError is not null && r.LastResult is "failed" or "warning" or "cancelled"))
            {
                Console.WriteLine($"{r.Job}: {r.LastError}");
            }
            return CliApp.Ok;
        });
        return command;
    }

}

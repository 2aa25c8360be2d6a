using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
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
            var table = new Table().Border(TableBorder.Simple);
            foreach (var header in new[] { "JOB", "DIRECTION", "LAST RESULT", "LAST RUN", "DURATION", "TRANSFERRED", "LAST SUCCESS" })
            {
                table.AddColumn(header);
            }
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.Job), r.Direction + (r.Host is { } h ? " " + Markup.Escape(h) : ""), Colour(r.LastResult),
                    Format.Time(r.LastRunAt), Format.Duration(r.LastDurationSeconds is { } s ? TimeSpan.FromSeconds(s) : null),
                    r.LastBytesTransferred is { } b ? Format.Bytes(b) : "-", Format.Time(r.LastSuccessAt));
            }
            AnsiConsole.Write(table);
            foreach (var r in rows.Where(r => r.LastError is not null && r.LastResult is "failed" or "warning"))
            {
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(r.Job)}[/]: {Markup.Escape(r.LastError!)}");
            }
            return CliApp.Ok;
        });
        return command;
    }

    private static string Colour(string? result) => result switch
    {
        null => "never run",
        "succeeded" => "[green]succeeded[/]",
        "warning" => "[yellow]warning[/]",
        "failed" => "[red]failed[/]",
        _ => result,
    };
}

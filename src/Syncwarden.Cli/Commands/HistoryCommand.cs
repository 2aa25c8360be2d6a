using System.CommandLine;
using System.Text.Json;
using System.Globalization;
using Syncwarden.Cli.Output;
using Syncwarden.History;

namespace Syncwarden.Cli.Commands;

internal static class HistoryCommand
{
    public static Command Create()
    {
        var job = new Argument<string?>("job") { Description = "Only this job", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit", "-n") { Description = "How many runs, newest first", DefaultValueFactory = _ => 20 };
        var command = new Command("history", "List past runs, newest first");
        command.Arguments.Add(job);
        command.Options.Add(limit);
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(parse =>
        {
            var config = CliContext.LoadConfig(parse);
            var name = parse.GetValue(job);
            if (name is not null)
            {
                _ = JobArguments.Select(config, [name]);
            }
            var count = parse.GetValue(limit);
            if (count < 1)
            {
                throw new UserError("--limit must be at least 1");
            }
            using var history = HistoryStore.Open(config.StateDir);
            var runs = history.History(name, count);
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<RunJson>>([.. runs.Select(RunJson.From)], CliJson.Readable.IReadOnlyListRunJson));
                return CliApp.Ok;
            }
            if (runs.Count == 0)
            {
                Console.WriteLine("no runs recorded yet");
                return CliApp.Ok;
            }
            var table = new TextTable("RUN", "JOB", "STARTED", "DURATION", "RESULT", "FILES", "BYTES", "DELETED", "ERROR");
            foreach (var r in runs)
            {
                table.Add(r.Id.ToString(CultureInfo.InvariantCulture), r.Job, Format.Time(r.StartedAt), Format.Duration(r.Duration),
                    r.Result.ToKebabCase(), r.FilesTransferred.ToString(CultureInfo.InvariantCulture), Format.Bytes(r.BytesTransferred),
                    r.FilesDeleted.ToString(CultureInfo.InvariantCulture), r.Error ?? "");
            }
            Console.WriteLine(table);
            return CliApp.Ok;
        });
        return command;
    }
}

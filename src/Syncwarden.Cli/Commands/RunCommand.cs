using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Notifications;
using Syncwarden.Runs;

namespace Syncwarden.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var jobs = new Argument<string[]>("job") { Description = "Jobs to run (default: all, in file order)", Arity = ArgumentArity.ZeroOrMore };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not show progress" };
        var device = new Option<string?>("--device") { Description = "Run the jobs whose device: lists this filesystem UUID, with that disk (what the udev rule starts)" };
        var command = new Command("run", "Replicate now: run the given jobs (or all) once. Exit 0 all succeeded (warnings allowed), 1 a job failed");
        command.Arguments.Add(jobs);
        command.Options.Add(noProgress);
        command.Options.Add(device);
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var names = parse.GetValue(jobs);
            var selected = parse.GetValue(device) is { } uuid
                ? names is { Length: > 0 } ? throw new UserError("give job names or --device, not both") : JobArguments.ForDevice(config, uuid)
                : JobArguments.Select(config, names);
            if (names is not { Length: > 0 })
            {
                // All jobs: one whose host is this machine (this-host) runs on the other machine of a shared file.
                foreach (var elsewhere in selected.Where(config.RunsElsewhere))
                {
                    Console.Error.WriteLine($"syncwarden: skipped job '{elsewhere.Name}': its host '{elsewhere.Host}' is this machine (this-host), so it runs on the other machine");
                }
                selected = [.. selected.Where(j => !config.RunsElsewhere(j))];
            }
            var json = parse.GetValue(CliApp.JsonOption);

            using var signals = new StopSignals(cancellationToken);

            var showProgress = !parse.GetValue(noProgress) && !json;
            // Progress and the log share stderr: a log line wipes the bar before it is written.
            var stderr = new StderrLine(Console.Error);
            await using var services = CliServices.Build(config, ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption)), stderr, s =>
            {
                if (showProgress)
                {
                    s.AddSingleton<IRunEventSubscriber>(new TerminalProgress(stderr, interactive: !Console.IsErrorRedirected));
                }
            });
            var runner = services.GetRequiredService<JobRunner>();
            await runner.RecoverAsync().ConfigureAwait(false);
            var events = services.GetRequiredService<RunEventHub>();

            var records = new List<RunRecord>();
            foreach (var job in selected)
            {
                if (signals.IsCancellationRequested)
                {
                    break;
                }
                try
                {
                    records.Add(await runner.RunAsync(job, RunTrigger.Manual, signals.Token).ConfigureAwait(false));
                }
                catch (JobBusyException ex)
                {
                    stderr.WriteLine("syncwarden: " + ex.Message);
                }
            }
            // Progress ends before the summary: the watchers finish what is queued, and whatever bar is left is
            // wiped (also one a slow watcher drew late), so the summary on stdout starts on a clean line. Mails and
            // webhooks of the last run get longer to go out, but a bounded time: a dead server never keeps `run` going.
            var drain = services.GetService<Notifier>() is null ? TimeSpan.FromSeconds(2) : Notifier.DeliveryWait;
            await events.StopAsync(drain).ConfigureAwait(false);
            stderr.End();

            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<RunJson>>([.. records.Select(RunJson.From)], CliJson.Readable.IReadOnlyListRunJson));
            }
            else
            {
                foreach (var r in records)
                {
                    Console.WriteLine($"{r.Job}: {r.Result.ToKebabCase()} in {Format.Duration(r.Duration)}, {r.FilesTransferred} file(s) / {Format.Bytes(r.BytesTransferred)} transferred, {r.FilesDeleted} deleted (run {r.Id}, log {r.LogFile})");
                    if (r.Error is { } error)
                    {
                        Console.WriteLine($"  {r.Result switch { RunResult.Warning => "warning", RunResult.Skipped => "note", _ => "error" }}: {error}");
                    }
                }
            }
            return records.Count == selected.Count && records.All(r => r.Result is RunResult.Succeeded or RunResult.Warning or RunResult.Skipped) ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.Notifications;
using Syncwarden.Runs;
using Syncwarden.Verification;

namespace Syncwarden.Cli.Commands;

internal static class VerifyCommand
{
    private const int PathsShown = 20;

    public static Command Create()
    {
        var jobArg = new Argument<string>("job") { Description = "The job whose replica to check" };
        var sample = new Option<string?>("--sample") { Description = "Share of the files to compare, e.g. 5% (default: the job's verify: sample, else 100%)", HelpName = "PERCENT" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the random sample: the same seed picks the same files (printed by every verify)" };
        var command = new Command("verify", "Compare checksums of (a sample of) JOB's source files with its replica, changing nothing. Exit 0 no differences, 1 differences or failure");
        command.Arguments.Add(jobArg);
        command.Options.Add(sample);
        command.Options.Add(seed);
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            var job = JobArguments.Select(config, [parse.GetValue(jobArg)!])[0];
            double? percent = null;
            if (parse.GetValue(sample) is { } text)
            {
                percent = VerifySample.TryParsePercent(text, out var p) ? p : throw new UserError($"--sample: expected a percentage above 0% and at most 100%, such as 5%, got '{text}'");
            }
            using var signals = new StopSignals(cancellationToken);
            var stderr = new StderrLine(Console.Error);
            await using var services = CliServices.Build(config, ConfigLoader.ResolvePath(parse.GetValue(CliApp.ConfigOption)), stderr);
            VerifyRecord record;
            try
            {
                record = await services.GetRequiredService<VerifyRunner>().VerifyAsync(config, job, percent, parse.GetValue(seed), cancellationToken: signals.Token).ConfigureAwait(false);
            }
            catch (JobBusyException ex)
            {
                throw new UserError(ex.Message + "; verify it once the run has ended", CliApp.Failed);
            }
            catch (OperationCanceledException) when (signals.IsCancellationRequested)
            {
                throw new UserError($"verification of job '{job.Name}' cancelled; nothing was recorded", CliApp.Failed);
            }
            // Notices of differences go out before the command ends, within a bound.
            await services.GetRequiredService<RunEventHub>().StopAsync(services.GetService<Notifier>() is null ? TimeSpan.FromSeconds(2) : Notifier.DeliveryWait).ConfigureAwait(false);
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(record, CliJson.Readable.VerifyRecord));
            }
            else
            {
                Print(record);
            }
            return record.Result == VerifyResult.Passed ? CliApp.Ok : CliApp.Failed;
        });
        return command;
    }

    private static void Print(VerifyRecord r)
    {
        var percent = r.SamplePercent.ToString("0.##", CultureInfo.InvariantCulture);
        Console.WriteLine($"Verification {r.Id} of job '{r.Job}': {r.FilesChecked} of {r.FilesInSource} file(s) compared by checksum ({percent}%, seed {r.Seed}), nothing changed.");
        foreach (var (kind, paths, count) in new[] { ("corrupt", r.Corrupt, r.CorruptCount), ("changed", r.Changed, r.ChangedCount), ("missing", r.Missing, r.MissingCount) })
        {
            foreach (var path in paths.Take(PathsShown))
            {
                Console.WriteLine($"  {kind,-8} {path}");
            }
            if (count > PathsShown)
            {
                Console.WriteLine($"  ... and {count - PathsShown} more {kind} (--json lists up to {VerifyRecord.PathsKept})");
            }
        }
        if (r.Error is { } error)
        {
            Console.WriteLine($"  error: {error}");
        }
        Console.WriteLine(r.Result switch
        {
            VerifyResult.Passed => "OK: " + r.Summary,
            VerifyResult.Differences => "DIFFERENCES: " + r.Summary + ". corrupt: same size and time as the source but other content (a normal run does not repair these); changed: size or time differ too (changed since the last sync?); missing: not in the replica",
            _ => "FAILED: " + r.Summary,
        });
    }
}

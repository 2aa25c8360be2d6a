using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Runs;
using Syncwarden.Snapshots;

namespace Syncwarden.Cli.Commands;

/// <summary><c>syncwarden snapshots list|prune JOB</c>: a job's point-in-time copies of its destination, and retention.</summary>
internal static class SnapshotsCommand
{
    public static Command Create()
    {
        var command = new Command("snapshots", "List a job's snapshots of its destination, or prune them by its keep: rules");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreatePrune());
        return command;
    }

    private static Argument<string> JobArgument() => new("job") { Description = "A job with snapshots: in the configuration" };

    private static Command CreateList()
    {
        var job = JobArgument();
        var command = new Command("list", "List the job's snapshots, oldest first, and which one latest names");
        command.Arguments.Add(job);
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (config, selected) = Load(parse, job);
            var rows = new List<SnapshotJson>();
            var notes = new List<string>();
            foreach (var (store, listing) in await Run(() => new JobSnapshots(config, selected, ProcessRunner.Default).ListAsync(cancellationToken)).ConfigureAwait(false))
            {
                rows.AddRange(listing.Names.Select(n => new SnapshotJson(selected.Name, store.Display, n, Time(n), n == listing.Latest)));
                if (listing.HasInProgress)
                {
                    notes.Add($"{store.Display}/{SnapshotName.InProgress}: left by an unfinished run; the next run reuses it");
                }
            }
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<SnapshotJson>>(rows, CliJson.Readable.IReadOnlyListSnapshotJson));
                return CliApp.Ok;
            }
            if (rows.Count == 0)
            {
                Console.WriteLine($"no snapshots of job '{selected.Name}' yet");
            }
            else
            {
                var table = new TextTable("SNAPSHOT", "TAKEN", "LATEST", "IN");
                foreach (var r in rows)
                {
                    table.Add(r.Name, Format.Time(r.Time), r.Latest ? "latest" : "", r.Store);
                }
                Console.WriteLine(table);
            }
            notes.ForEach(Console.WriteLine);
            return CliApp.Ok;
        });
        return command;
    }

    private static Command CreatePrune()
    {
        var job = JobArgument();
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only show what would be deleted and why the others are kept" };
        var command = new Command("prune", "Delete the snapshots the job's keep: rules do not keep (never the one latest names). Runs after every successful run too");
        command.Arguments.Add(job);
        command.Options.Add(dryRun);
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (config, selected) = Load(parse, job);
            var dry = parse.GetValue(dryRun);
            // A run finishing a snapshot while we delete would race us; the job's run lock keeps them apart.
            using var runLock = dry ? null : AcquireRunLock(config, selected);
            var snapshots = new JobSnapshots(config, selected, ProcessRunner.Default);
            var plans = await Run(() => snapshots.PlanPruneAsync(cancellationToken)).ConfigureAwait(false);
            var results = dry ? [] : await JobSnapshots.PruneAsync(plans, cancellationToken).ConfigureAwait(false);
            var deleted = results.SelectMany(r => r.Deleted.Select(n => (r.Store.Display, n))).ToHashSet();
            var rows = plans.SelectMany(p => p.Decisions.Select(d => new PruneJson(selected.Name, p.Store.Display, d.Name, d.Time,
                d.Keep || d.Name == p.Latest, d.Reasons, deleted.Contains((p.Store.Display, d.Name))))).ToList();
            var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToList();
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize<IReadOnlyList<PruneJson>>(rows, CliJson.Readable.IReadOnlyListPruneJson));
            }
            else
            {
                Console.WriteLine($"job '{selected.Name}', keep: {selected.Snapshots.Keep}" + (dry ? " (dry run: nothing is deleted)" : ""));
                var table = new TextTable("SNAPSHOT", "TAKEN", "ACTION", "WHY KEPT", "IN");
                foreach (var r in rows)
                {
                    var action = r.Keep ? "keep" : dry ? "would delete" : r.Deleted ? "deleted" : "NOT deleted";
                    table.Add(r.Name, Format.Time(r.Time), action, string.Join(", ", r.Reasons), r.Store);
                }
                Console.WriteLine(table);
                Console.WriteLine($"{rows.Count(r => r.Keep)} kept, {rows.Count(r => !r.Keep)} {(dry ? "would be deleted" : "deleted")}");
            }
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("syncwarden: " + error).ConfigureAwait(false);
            }
            return errors.Count > 0 ? CliApp.Failed : CliApp.Ok;
        });
        return command;
    }

    /// <summary>The configuration and the named job, which must keep snapshots.</summary>
    internal static (SyncwardenConfig, JobConfig) Load(ParseResult parse, Argument<string> job)
    {
        var config = CliContext.LoadConfig(parse);
        var selected = JobArguments.Select(config, [parse.GetValue(job)!])[0];
        if (!selected.Snapshots.Enabled)
        {
            throw new UserError($"job '{selected.Name}' keeps no snapshots; add snapshots: {{ method: link-dest }} (or btrfs) to it in {config.SourceFile}");
        }
        return (config, selected);
    }

    /// <summary>Runs a snapshot operation; what goes wrong at the store or the host is a one-line error (exit 1).</summary>
    internal static async Task<T> Run<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SnapshotException ex)
        {
            throw new UserError(ex.Message, ex.IsUsageError ? CliApp.UsageError : CliApp.Failed);
        }
    }

    private static JobRunLock AcquireRunLock(SyncwardenConfig config, JobConfig job)
    {
        try
        {
            return JobRunLock.Acquire(config.StateDir, job.Name);
        }
        catch (JobBusyException ex)
        {
            throw new UserError(ex.Message + "; prune again when it has finished (every successful run prunes anyway)", CliApp.Failed);
        }
    }

    private static DateTimeOffset Time(string name) => SnapshotName.TryParse(name, out var t) ? t.Value : default;
}

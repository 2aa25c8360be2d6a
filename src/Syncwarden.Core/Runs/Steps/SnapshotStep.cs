using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Snapshots;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// Point-in-time copies of the destination (the job's <c>snapshots:</c>). Before the syncs: link-dest sends each sync
/// into DEST/.syncwarden-incomplete with --link-dest to the latest snapshot (a folder a killed run left is cleaned and
/// reused); btrfs checks that DEST is a subvolume. After a run that succeeded (or ended with a warning) only: the new
/// snapshot is made (a rename, or a read-only btrfs snapshot), <c>latest</c> names it, then retention prunes older ones.
/// A failed, cancelled or killed run changes no snapshot and not <c>latest</c>; a failed prune is a warning.
/// </summary>
internal sealed class SnapshotStep(HistoryStore history, ProcessRunner runner, ILogger logger) : IRunStep
{
    private JobSnapshots? _snapshots;
    private string? _name;
    private readonly Dictionary<string, string?> _latest = new(StringComparer.Ordinal);

    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        if (!job.Snapshots.Enabled)
        {
            return null;
        }
        var snapshots = new JobSnapshots(context.Config, job, runner);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var listings = new Dictionary<string, SnapshotListing>(StringComparer.Ordinal);
        try
        {
            foreach (var store in snapshots.Stores)
            {
                var listing = await store.PrepareAsync(context.CancellationToken).ConfigureAwait(false);
                listings[store.Destination] = listing;
                _latest[store.Destination] = listing.Latest;
                taken.UnionWith(listing.Names);
                if (listing.CleanedLeftover)
                {
                    context.Log.Note($"snapshots: reusing {store.InProgressPath} left by an unfinished run (its files were cleared, its partial folder kept)");
                }
            }
        }
        catch (SnapshotException ex)
        {
            context.Log.Note(ex.Message);
            return context.End(RunResult.Failed, ex.Message + RunContext.AbortedBeforeTransfer);
        }
        catch (OperationCanceledException)
        {
            return context.Stopped("while preparing snapshots", "; nothing was transferred");
        }

        _snapshots = snapshots;
        _name = SnapshotName.Unique(context.Time.GetUtcNow(), taken);
        if (job.Snapshots.Method == SnapshotMethod.LinkDest)
        {
            context.Syncs = [.. context.Syncs.Select(sync => IntoInProgress(sync, snapshots.StoreOf(sync), listings))];
        }
        foreach (var store in snapshots.Stores)
        {
            var basis = listings[store.Destination].Basis;
            context.Log.Note(job.Snapshots.Method == SnapshotMethod.LinkDest
                ? $"snapshot {_name} of {store.Display}: writing into {SnapshotName.InProgress}" + (basis is null ? " (first snapshot: a full copy)" : $", unchanged files hard-linked to {basis}")
                : $"snapshot {_name} of {store.Display}: taken after the sync");
        }
        return null;
    }

    /// <summary>The sync as rsync runs it: into the in-progress folder, linked to the basis snapshot.</summary>
    private static SyncPair IntoInProgress(SyncPair sync, SnapshotStore store, Dictionary<string, SnapshotListing> listings)
    {
        var basis = listings[store.Destination].Basis;
        // A relative --link-dest is relative to the destination folder, so it works on a remote host as it does here.
        return sync with
        {
            Destination = store.InProgressPath + (sync.Destination.EndsWith('/') ? "/" : ""),
            Options = basis is null ? sync.Options : [.. sync.Options, "--link-dest=../" + basis],
        };
    }

    public async Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        if (_snapshots is null || _name is null)
        {
            return result;
        }
        var job = context.Job;
        if (result.Result is not (RunResult.Succeeded or RunResult.Warning))
        {
            var latest = _latest.Values.FirstOrDefault(l => l is not null);
            context.Log.Note($"no snapshot taken: the run did not succeed; latest stays {latest ?? "(none yet)"}, no snapshot was deleted");
            return result;
        }

        context.Report.Stage(RunPhase.Finishing, detail: "snapshot " + _name);
        foreach (var store in _snapshots.Stores)
        {
            try
            {
                // Short, atomic commands: once the data is there, a cancel arriving now must not leave the snapshot half made.
                await store.FinalizeAsync(_name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SnapshotException or ProcessStartException)
            {
                var message = $"the sync succeeded but snapshot {_name} was not completed: {ex.Message}; latest still names {_latest[store.Destination] ?? "no snapshot"}";
                context.Log.Note(message);
                logger.LogError("job {Job}: {Message}", job.Name, message);
                return result with { Result = RunResult.Failed, Error = Join(result.Error, message) };
            }
            context.Log.Note($"snapshot {_name} complete in {store.Display}; latest -> {_name}");
        }
        history.SetLatestSnapshot(new LatestSnapshot(job.Name, _name, SnapshotName.TryParse(_name, out var at) ? at.Value : context.Time.GetUtcNow(), result.Id));

        if (!job.Snapshots.Keep.KeepsEverything)
        {
            result = await PruneAsync(context, result).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Retention after a new snapshot. A failure never fails the replication that succeeded: it is a warning.</summary>
    private async Task<RunRecord> PruneAsync(RunContext context, RunRecord result)
    {
        var job = context.Job;
        var problems = new List<string>();
        try
        {
            var plans = await _snapshots!.PlanPruneAsync(context.CancellationToken).ConfigureAwait(false);
            foreach (var outcome in await JobSnapshots.PruneAsync(plans, context.CancellationToken).ConfigureAwait(false))
            {
                var kept = plans.First(p => p.Store == outcome.Store).Decisions.Count - outcome.Deleted.Count;
                context.Log.Note($"retention ({job.Snapshots.Keep}) in {outcome.Store.Display}: {kept} kept, {outcome.Deleted.Count} deleted" +
                                 (outcome.Deleted.Count > 0 ? ": " + string.Join(", ", outcome.Deleted) : ""));
                if (outcome.Error is { } error)
                {
                    problems.Add(error);
                }
            }
        }
        catch (Exception ex) when (ex is SnapshotException or ProcessStartException or OperationCanceledException)
        {
            problems.Add(ex is OperationCanceledException ? "retention was cancelled; older snapshots are pruned after the next run" : "retention failed: " + ex.Message);
        }
        if (problems.Count == 0)
        {
            return result;
        }
        foreach (var problem in problems)
        {
            context.Log.Note("warning: " + problem);
            context.Report.Warning(problem);
            logger.LogWarning("job {Job}: run {RunId}: {Problem}", job.Name, result.Id, problem);
        }
        return result with { Result = RunResult.Warning, Error = Join(result.Error, string.Join("; ", problems)) };
    }

    private static string Join(string? first, string second) => first is { Length: > 0 } f ? f + "; " + second : second;
}

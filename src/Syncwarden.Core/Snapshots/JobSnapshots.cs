using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Snapshots;

/// <summary>One store's snapshots with retention's verdict on each (newest first).</summary>
public sealed record StorePrunePlan(SnapshotStore Store, string? Latest, IReadOnlyList<RetentionDecision> Decisions)
{
    public IReadOnlyList<string> ToDelete => [.. Decisions.Where(d => !d.Keep && d.Name != Latest).Select(d => d.Name)];
}

/// <summary>What pruning a store did: the snapshots deleted, and the error for those that were not.</summary>
public sealed record StorePruneResult(SnapshotStore Store, IReadOnlyList<string> Deleted, string? Error);

/// <summary>
/// The snapshots of one job: one store per distinct destination folder of its syncs (two syncs into one folder share
/// a store and a snapshot name). Listing, retention and pruning for the run step and the CLI alike.
/// </summary>
public sealed class JobSnapshots
{
    private readonly SyncwardenConfig _config;
    private readonly JobConfig _job;

    public JobSnapshots(SyncwardenConfig config, JobConfig job, ProcessRunner runner)
    {
        _config = config;
        _job = job;
        Stores = [.. job.Syncs
            .Select(s => new SnapshotStore(config, job, s.Destination, runner))
            .DistinctBy(s => s.Destination, StringComparer.Ordinal)];
    }

    public IReadOnlyList<SnapshotStore> Stores { get; }

    /// <summary>
    /// What <c>plan</c> compares a sync with: for link-dest the newest snapshot (through its latest symlink), which
    /// the next run starts from; the destination itself otherwise. A dry run, so nothing is written there.
    /// </summary>
    public static SyncPair PlanTarget(JobConfig job, SyncPair sync) =>
        job.Snapshots.Method == SnapshotMethod.LinkDest
            ? sync with { Destination = sync.Destination.TrimEnd('/') + "/" + SnapshotName.Latest + "/" }
            : sync;

    /// <summary>The store sync <paramref name="sync"/> writes into.</summary>
    public SnapshotStore StoreOf(SyncPair sync) =>
        Stores.First(s => s.Destination == (sync.Destination.Length > 1 ? sync.Destination.TrimEnd('/') : sync.Destination));

    public async Task<IReadOnlyList<(SnapshotStore Store, SnapshotListing Listing)>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<(SnapshotStore, SnapshotListing)>();
        foreach (var store in Stores)
        {
            result.Add((store, await store.ListAsync(cancellationToken).ConfigureAwait(false)));
        }
        return result;
    }

    /// <summary>Retention's verdict for every store, from what is there now.</summary>
    public async Task<IReadOnlyList<StorePrunePlan>> PlanPruneAsync(CancellationToken cancellationToken = default)
    {
        var zone = _config.Daemon.ResolveTimeZone();
        var plans = new List<StorePrunePlan>();
        foreach (var (store, listing) in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            plans.Add(new StorePrunePlan(store, listing.Latest, Retention.Decide(listing.Names, _job.Snapshots.Keep, zone, listing.Latest)));
        }
        return plans;
    }

    /// <summary>Deletes what <paramref name="plans"/> does not keep; a store that fails does not stop the others.</summary>
    public static async Task<IReadOnlyList<StorePruneResult>> PruneAsync(IReadOnlyList<StorePrunePlan> plans, CancellationToken cancellationToken = default)
    {
        var results = new List<StorePruneResult>();
        foreach (var plan in plans)
        {
            try
            {
                var (deleted, error) = await plan.Store.DeleteAsync(plan.ToDelete, cancellationToken).ConfigureAwait(false);
                results.Add(new StorePruneResult(plan.Store, deleted, error));
            }
            catch (ProcessStartException ex)
            {
                results.Add(new StorePruneResult(plan.Store, [], ex.Message));
            }
        }
        return results;
    }
}

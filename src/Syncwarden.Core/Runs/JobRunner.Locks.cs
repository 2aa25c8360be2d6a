using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    /// <summary>Waits for blocks-on, takes the job's locks, runs the syncs, releases the locks. (Locks are wired in by the locks work.)</summary>
    private Task<RunRecord> RunLockedAsync(JobConfig job, RunRecord record, RunLog log, RunFilters filters, CancellationToken cancellationToken, CancellationTokenSource timeout) =>
        RunSyncsAsync(job, record, log, filters, cancellationToken, timeout);
}

using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>
/// The stages around the syncs of a run: preparation (before hooks, then plugins), locks, the syncs,
/// then the after / on-error / finally hooks. Each stage is a seam in its own file.
/// </summary>
public sealed partial class JobRunner
{
    private async Task<RunRecord> RunStagesAsync(JobConfig job, RunRecord record, RunLog log, CancellationToken cancellationToken, CancellationTokenSource timeout)
    {
        RunRecord result;
        var prepared = await PrepareAsync(job, record, log, cancellationToken, timeout).ConfigureAwait(false);
        if (prepared.Outcome is { } early)
        {
            result = early;
        }
        else
        {
            result = await RunLockedAsync(job, record, log, prepared.Filters, cancellationToken, timeout).ConfigureAwait(false);
        }
        return await FinishAsync(job, result, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Outcome of preparation: either filters for the syncs, or a finished record (skipped, failed).</summary>
    private sealed record Prepared(RunFilters Filters, RunRecord? Outcome);

    private RunRecord Ended(RunRecord record, RunResult result, string? error, int? exitCode = null) =>
        record with { EndedAt = _time.GetUtcNow(), Result = result, Error = error, ExitCode = exitCode };
}

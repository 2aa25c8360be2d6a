using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    /// <summary>Plugins and before hooks. (Hooks and plugins are wired in by the hooks work.)</summary>
    private Task<Prepared> PrepareAsync(JobConfig job, RunRecord record, RunLog log, CancellationToken cancellationToken) =>
        Task.FromResult(new Prepared(RunFilters.None, null));

    /// <summary>After, on-error and finally hooks.</summary>
    private Task<RunRecord> FinishAsync(JobConfig job, RunRecord result, RunLog log, CancellationToken cancellationToken) =>
        Task.FromResult(result);
}

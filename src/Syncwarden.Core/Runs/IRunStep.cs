using Syncwarden.Configuration;
using Syncwarden.History;

namespace Syncwarden.Runs;

/// <summary>
/// One step of a run, around the syncs: hooks, plugins, locks, the syncs themselves, and later disk
/// mounts, database dumps and snapshots. The steps of <see cref="RunPipeline"/> run their
/// <see cref="BeforeAsync"/> in order; then, in reverse order, the <see cref="AfterAsync"/> of every
/// step whose before part returned (not threw), each seeing and possibly changing the result.
/// </summary>
internal interface IRunStep
{
    /// <summary>
    /// Does this step's work before the syncs. Returns null to go on, or a finished record
    /// (<see cref="RunContext.End"/>) to stop the run there: skipped, failed, cancelled, or the syncs' result.
    /// A step that throws must undo its own partial work; the run is then recorded as failed.
    /// </summary>
    Task<RunRecord?> BeforeAsync(RunContext context);

    /// <summary>Clean-up and follow-up once the result is known (also after a failure or a cancel).</summary>
    Task<RunRecord> AfterAsync(RunContext context, RunRecord result);

    /// <summary>
    /// Puts right what a syncwarden killed during a run left of this step (a run still recorded as running, a disk
    /// left mounted). Called once by each process that runs jobs (the run command, the daemon) before its first run,
    /// through <see cref="JobRunner.RecoverAsync"/>; most steps leave nothing behind.
    /// </summary>
    Task RecoverAsync(SyncwardenConfig config, TimeProvider time) => Task.CompletedTask;
}

using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Databases;
using Syncwarden.History;
using Syncwarden.Hooks;
using Syncwarden.Processes;
using Syncwarden.Runs.Steps;

namespace Syncwarden.Runs;

/// <summary>
/// The ordered steps of every run: the one place where a capability that acts before or after the
/// syncs is added (a disk mount, a database dump, a snapshot: one more line here). Steps are made
/// fresh for each run, so a step may keep what its before part took (a lock) for its after part. What a killed
/// run left of a step is put right by the same step (<see cref="IRunStep.RecoverAsync"/>).
/// </summary>
internal sealed class RunPipeline(SyncwardenConfig config, HistoryStore history, ProcessRunner runner, TimeProvider time, ILogger logger)
{
    public IReadOnlyList<IRunStep> StepsForRun()
    {
        var hooks = new HookRunner(config, runner, time);
        return
        [
            new JobRunLockStep(),                   // one run of a job at a time; a refused run leaves no trace
            new HistoryStep(history, logger),       // record, log file, RunStarted / RunFinished
            new RestrictedKeyStep(),                // a host with a key for rsync only: refuse features that need a shell there
            new StandbyStep(runner, logger),        // a standby pair: the standby checks its lag; the primary is fenced by a higher epoch
            new DeviceStep(runner, time, logger),   // mount the job's removable disk; record its free space, unmount
            new HooksStep(hooks, logger),           // before hooks; after / on-error / finally hooks
            new PluginsStep(hooks),                 // plugins write filter rules for the syncs
            new LocksStep(runner),                  // blocks-on, local and remote locks
            new DatabaseDumpsStep(new DatabaseDumper(runner, time), logger), // consistent dumps into the dump-dir, replicated by the syncs
            new SourceSnapshotStep(runner, logger), // read-only snapshots of the sources for the syncs to read
            new SnapshotStep(history, runner, logger), // syncs into a new snapshot; afterwards latest and retention
            new SyncsStep(history, runner, logger), // every sync with its safety checks and retries
        ];
    }
}

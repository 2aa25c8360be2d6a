using Syncwarden.History;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// First step: one run of a job at a time on this host (<see cref="JobRunLock"/>). Taken before the run
/// is recorded, so a refused run (<see cref="JobBusyException"/>) leaves no trace in the history.
/// </summary>
internal sealed class JobRunLockStep : IRunStep
{
    private JobRunLock? _lock;

    public Task<RunRecord?> BeforeAsync(RunContext context)
    {
        _lock = JobRunLock.Acquire(context.Config.StateDir, context.Job.Name);
        return Task.FromResult<RunRecord?>(null);
    }

    public Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        _lock?.Dispose();
        _lock = null;
        return Task.FromResult(result);
    }
}

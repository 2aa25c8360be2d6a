using Syncwarden.History;
using Syncwarden.Locks;
using Syncwarden.Processes;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// Waits until the job's blocks-on files are gone and takes its locks (local and on remote hosts);
/// afterwards releases them, warning when a remote lock session ended during the run.
/// </summary>
internal sealed class LocksStep(ProcessRunner runner) : IRunStep
{
    private LockLease? _lease;

    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        if (job.Locks.Count == 0 && job.BlocksOn.Count == 0)
        {
            return null;
        }
        var observer = new LockObserver(
            blocked =>
            {
                var reason = blocked.Describe();
                context.Log.Note("waiting: " + reason);
                context.Report.Waiting(reason);
            },
            note => context.Log.Note(note));
        try
        {
            _lease = await new JobLocks(context.Config, runner, context.Time).AcquireAsync(job, context.Record.Id, observer, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LockException or LockWaitTimeoutException)
        {
            return context.End(RunResult.Failed, ex.Message);
        }
        catch (IOException ex)
        {
            return context.End(RunResult.Failed, "cannot take locks: " + ex.Message);
        }
        catch (OperationCanceledException)
        {
            return context.Stopped("while waiting for locks");
        }
        context.Log.Note("locks taken: " + string.Join(", ", job.Locks.Select(l => l.ToString()).DefaultIfEmpty("none")) +
                         (job.BlocksOn.Count > 0 ? "; blocks-on clear: " + string.Join(", ", job.BlocksOn) : ""));
        return null;
    }

    public async Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        if (_lease is not { } lease)
        {
            return result;
        }
        _lease = null;
        if (lease.LostHosts is { Count: > 0 } lost)
        {
            result = context.Warn(result, "the lock session to " + string.Join(", ", lost) + " ended during the run: its locks were not held to the end");
        }
        await lease.DisposeAsync().ConfigureAwait(false);
        context.Log.Note("locks released");
        return result;
    }
}

using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Locks;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    /// <summary>Waits for blocks-on, takes the job's locks, runs the syncs, releases the locks on every exit path.</summary>
    private async Task<RunRecord> RunLockedAsync(JobConfig job, RunRecord record, RunLog log, RunFilters filters, CancellationToken cancellationToken, CancellationTokenSource timeout)
    {
        if (job.Locks.Count == 0 && job.BlocksOn.Count == 0)
        {
            return await RunSyncsAsync(job, record, log, filters, cancellationToken, timeout).ConfigureAwait(false);
        }

        var observer = new LockObserver(
            blocked =>
            {
                var message = $"waiting: {blocked.Describe()}";
                log.Note(message);
                progress.Report(new RunProgress(job.Name, record.Id, RunPhase.Waiting, 0, job.Syncs.Count, null, null, message));
            },
            note => log.Note(note));

        LockLease lease;
        try
        {
            lease = await new JobLocks(config, _runner, _time).AcquireAsync(job, record.Id, observer, cancellationToken).ConfigureAwait(false);
        }
        catch (LockWaitTimeoutException ex)
        {
            return Ended(record, RunResult.Failed, ex.Message);
        }
        catch (LockException ex)
        {
            return Ended(record, RunResult.Failed, ex.Message);
        }
        catch (IOException ex)
        {
            return Ended(record, RunResult.Failed, "cannot take locks: " + ex.Message);
        }
        catch (OperationCanceledException)
        {
            return timeout.IsCancellationRequested
                ? Ended(record, RunResult.Failed, $"stopped after the job timeout of {DurationParser.Format(job.Timeout!.Value)} while waiting for locks")
                : Ended(record, RunResult.Cancelled, "cancelled while waiting for locks");
        }

        await using (lease.ConfigureAwait(false))
        {
            log.Note("locks taken: " + string.Join(", ", job.Locks.Select(l => l.ToString()).DefaultIfEmpty("none")) +
                     (job.BlocksOn.Count > 0 ? "; blocks-on clear: " + string.Join(", ", job.BlocksOn) : ""));
            var result = await RunSyncsAsync(job, record, log, filters, cancellationToken, timeout).ConfigureAwait(false);
            if (lease.LostHosts is { Count: > 0 } lost)
            {
                var message = "the lock session to " + string.Join(", ", lost) + " ended during the run: its locks were not held to the end";
                log.Note("warning: " + message);
                result = result with
                {
                    Result = result.Result == RunResult.Succeeded ? RunResult.Warning : result.Result,
                    Error = result.Error is { } e ? e + "; " + message : message,
                };
            }
            await lease.DisposeAsync().ConfigureAwait(false);
            log.Note("locks released");
            return result;
        }
    }
}

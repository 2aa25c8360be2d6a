using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Runs;

namespace Syncwarden.Daemon;

/// <summary>
/// Scheduled verifications (<c>verify: { every: 1w }</c>): due like a job's runs (a due time missed while the daemon
/// was down, or never verified, verifies once at start), queued behind the job's own queued run, never at the same
/// time as a run of the job (a run due meanwhile waits), and within max-concurrent-jobs.
/// </summary>
public sealed partial class JobScheduler
{
    private readonly Dictionary<string, DateTimeOffset?> _nextVerify = new(StringComparer.Ordinal);
    private readonly List<string> _verifyQueue = [];
    // Jobs whose entry in _running is a verification, not a run.
    private readonly HashSet<string> _verifying = new(StringComparer.Ordinal);

    /// <summary>Called under the gate.</summary>
    private void ComputeVerifySchedules(DateTimeOffset now, bool catchUp)
    {
        _nextVerify.Clear();
        _verifyQueue.RemoveAll(job => _config.FindJob(job)?.Verify?.Schedule is null);
        foreach (var job in _config.Jobs)
        {
            if (job.Verify?.Schedule is not { } schedule)
            {
                continue;
            }
            _nextVerify[job.Name] = schedule.NextAfter(now, _zone);
            var last = history.LastVerification(job.Name);
            if (catchUp && (last is null || schedule.NextAfter(last.StartedAt, _zone) is { } missed && missed <= now))
            {
                logger.LogInformation("job {Job}: verifying at start ({Why})", job.Name, last is null ? "never verified" : $"last verification {last.StartedAt:u} missed a due time");
                EnqueueVerification(job.Name);
            }
        }
    }

    /// <summary>Called under the gate.</summary>
    private void EnqueueDueVerifications(DateTimeOffset now)
    {
        foreach (var job in _config.Jobs)
        {
            if (job.Verify?.Schedule is not { } schedule || _nextVerify.GetValueOrDefault(job.Name) is not { } due || due > now)
            {
                continue;
            }
            EnqueueVerification(job.Name);
            _nextVerify[job.Name] = schedule.NextAfter(now, _zone);
        }
    }

    private void EnqueueVerification(string job)
    {
        if (_verifying.Contains(job) || _verifyQueue.Contains(job))
        {
            logger.LogInformation("job {Job}: verification due while the previous one is still going; skipped", job);
            return;
        }
        _verifyQueue.Add(job);
    }

    /// <summary>Starts queued verifications of jobs that neither run nor have a run waiting, in free slots. Called under the gate.</summary>
    private void StartQueuedVerifications()
    {
        while (_running.Count < _config.Daemon.MaxConcurrentJobs && !_stopping.IsCancellationRequested
               && _verifyQueue.FindIndex(j => !_running.ContainsKey(j) && !_queue.Any(q => q.Job == j)) is var next and >= 0)
        {
            var name = _verifyQueue[next];
            _verifyQueue.RemoveAt(next);
            if (_config.FindJob(name) is not { } job)
            {
                continue;
            }
            var config = _config;
            // Sources: daemon shutdown, and Cancel(job) for this verification alone.
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            _cancels[name] = cancel;
            _verifying.Add(name);
            _running[name] = Task.Run(() => VerifyJobAsync(config, job, cancel));
        }
    }

    private async Task VerifyJobAsync(SyncwardenConfig config, JobConfig job, CancellationTokenSource cancel)
    {
        try
        {
            await verifier.VerifyAsync(config, job, trigger: RunTrigger.Schedule, cancellationToken: cancel.Token).ConfigureAwait(false);
        }
        catch (JobBusyException ex)
        {
            logger.LogWarning("job {Job}: scheduled verification skipped: {Message}", job.Name, ex.Message);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            logger.LogInformation("job {Job}: verification stopped; nothing was recorded", job.Name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One verification's trouble (an unreadable temp folder, a bug) must not take the daemon down.
            logger.LogError(ex, "job {Job}: verification aborted by an unexpected error: {Message}", job.Name, ex.Message);
        }
        finally
        {
            Finished(job.Name, cancel);
        }
    }
}

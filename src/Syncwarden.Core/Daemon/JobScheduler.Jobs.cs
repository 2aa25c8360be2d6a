using System.Globalization;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Runs;

namespace Syncwarden.Daemon;

public sealed partial class JobScheduler
{
    /// <summary>Next due time of every scheduled job; at start, jobs that missed a due time while the daemon was down run once.</summary>
    private void ComputeSchedules(DateTimeOffset now, bool catchUp)
    {
        ComputeVerifySchedules(now, catchUp);
        _next.Clear();
        foreach (var job in _config.Jobs)
        {
            if (job.Schedule is not { } schedule)
            {
                continue;
            }
            if (_config.RunsElsewhere(job))
            {
                logger.LogInformation("job {Job}: not scheduled here: its host '{Host}' is this machine (this-host); it runs on the other machine", job.Name, job.Host);
                continue;
            }
            _next[job.Name] = schedule.NextAfter(now, _zone);
            if (!catchUp || !job.CatchUp)
            {
                continue;
            }
            var last = history.LastRun(job.Name);
            // A due time between the last run's start and now was missed (host off or asleep).
            if (last is null || schedule.NextAfter(last.StartedAt, _zone) is { } missed && missed <= now)
            {
                logger.LogInformation("job {Job}: catching up ({Why})", job.Name, last is null ? "never run" : $"last run {last.StartedAt:u} missed a due time");
                Enqueue(job.Name, RunTrigger.CatchUp);
            }
        }
    }

    private void EnqueueDue(DateTimeOffset now)
    {
        foreach (var job in _config.Jobs)
        {
            if (job.Schedule is not { } schedule || _next.GetValueOrDefault(job.Name) is not { } due || due > now)
            {
                continue;
            }
            Enqueue(job.Name, RunTrigger.Schedule, due);
            _next[job.Name] = schedule.NextAfter(now, _zone);
        }
    }

    private void Enqueue(string job, RunTrigger trigger, DateTimeOffset? due = null)
    {
        // A run due while the job is being verified waits for the verification instead.
        if ((_running.ContainsKey(job) && !_verifying.Contains(job)) || _queue.Any(q => q.Job == job))
        {
            var reason = _running.ContainsKey(job) ? "the previous run is still running" : "the previous run is still waiting for a free slot";
            CountMissed(job, due, reason);
            return;
        }
        _queue.Add((job, trigger));
    }

    /// <summary>Called under the gate.</summary>
    private void CountMissed(string job, DateTimeOffset? due, string reason)
    {
        var missed = _missed[job] = _missed.GetValueOrDefault(job) + 1;
        logger.LogWarning("job {Job}: run due {Due} skipped (missed: {Missed} so far): {Reason}",
            job, due is { } d ? "at " + d.ToLocalTime().ToString("u", CultureInfo.InvariantCulture) : "now", missed, reason);
        events.Publish(new RunMissed(time.GetUtcNow(), job, due, reason, missed));
    }

    private void StartQueued()
    {
        while (_running.Count < _config.Daemon.MaxConcurrentJobs && !_stopping.IsCancellationRequested
               && _queue.FindIndex(q => !_running.ContainsKey(q.Job)) is var next and >= 0)
        {
            var (name, trigger) = _queue[next];
            _queue.RemoveAt(next);
            if (_config.FindJob(name) is not { } job)
            {
                continue;
            }
            var runner = _jobRunner;
            // Sources: daemon shutdown, and Cancel(job) for this run alone.
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
            _cancels[name] = cancel;
            _running[name] = Task.Run(() => RunJobAsync(runner, job, trigger, cancel));
        }
        StartQueuedVerifications();
    }

    private async Task RunJobAsync(JobRunner runner, JobConfig job, RunTrigger trigger, CancellationTokenSource cancel)
    {
        try
        {
            await runner.RunAsync(job, trigger, cancel.Token).ConfigureAwait(false);
        }
        catch (JobBusyException ex)
        {
            lock (_gate)
            {
                CountMissed(job.Name, null, ex.Message);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug or an environment failure in one run must not take the daemon down.
            logger.LogError(ex, "job {Job}: run aborted by an unexpected error: {Message}", job.Name, ex.Message);
        }
        finally
        {
            Finished(job.Name, cancel);
        }
    }

    /// <summary>A run or verification of <paramref name="job"/> ended: its slot is free, and the loop looks at the queue.</summary>
    private void Finished(string job, CancellationTokenSource cancel)
    {
        lock (_gate)
        {
            _running.Remove(job);
            _cancels.Remove(job);
            _verifying.Remove(job);
            // Disposed under the gate, so Cancel never sees a disposed source.
            cancel.Dispose();
        }
        Wake();
    }

    /// <summary>
    /// Stops the job's running run as daemon shutdown would (rsync gets SIGTERM, then SIGKILL after the grace; after
    /// hooks still run) and it is recorded cancelled; a run still waiting for a free slot is taken off the queue.
    /// </summary>
    public CancelOutcome Cancel(string job)
    {
        lock (_gate)
        {
            if (_config.FindJob(job) is null && !_running.ContainsKey(job))
            {
                return CancelOutcome.UnknownJob;
            }
            if (_cancels.TryGetValue(job, out var cancel))
            {
                logger.LogInformation("job {Job}: cancel requested; stopping the running run", job);
                // CancelAsync runs the run's callbacks (SIGTERM to rsync, continuations) on the thread pool, not under the gate.
                _ = cancel.CancelAsync();
                return CancelOutcome.Cancelled;
            }
            if (_queue.RemoveAll(q => q.Job == job) > 0)
            {
                logger.LogInformation("job {Job}: cancel requested; the queued run will not start", job);
                return CancelOutcome.Dequeued;
            }
            return CancelOutcome.NotRunning;
        }
    }

    /// <summary>SIGHUP or `syncwarden run` through the daemon: one run of the given jobs (all when null) now.</summary>
    public void RunNow(IReadOnlyList<string>? jobs = null, RunTrigger trigger = RunTrigger.Signal)
    {
        lock (_gate)
        {
            // All jobs: those whose host is this machine run on the other one (an explicit name still runs it).
            foreach (var job in _config.Jobs.Where(j => jobs is null ? !_config.RunsElsewhere(j) : jobs.Contains(j.Name)))
            {
                Enqueue(job.Name, trigger);
            }
        }
        logger.LogInformation("run now requested ({Trigger}) for {Jobs}", trigger.ToKebabCase(), jobs is null ? "all jobs" : string.Join(", ", jobs));
        Wake();
    }

    /// <summary>
    /// Re-reads the configuration. Running transfers keep the configuration they started with; new
    /// runs and schedules use the new one. An invalid file changes nothing.
    /// </summary>
    public ConfigLoadResult Reload()
    {
        var result = configuration.Reload();
        if (!result.IsValid)
        {
            logger.LogError("reload refused, keeping the current configuration: {Errors}", string.Join("; ", result.Errors));
            events.Publish(new ConfigurationReloaded(time.GetUtcNow(), false, Config.Jobs.Count, [.. result.Errors.Select(e => e.ToString())]));
            AnnounceReady();
            return result;
        }
        var config = result.Config!;
        lock (_gate)
        {
            _config = config;
            _zone = config.Daemon.ResolveTimeZone();
            _jobRunner = runners.Create(config);
            _queue.RemoveAll(q => config.FindJob(q.Job) is null);
            ComputeSchedules(time.GetUtcNow(), catchUp: false);
        }
        logger.LogInformation("configuration reloaded: {Jobs} job(s)", config.Jobs.Count);
        events.Publish(new ConfigurationReloaded(time.GetUtcNow(), true, config.Jobs.Count, []));
        AnnounceReady();
        Wake();
        return result;
    }

    /// <summary>The scheduler's view of one job; null for a job it does not know.</summary>
    public DaemonJobState? State(string job)
    {
        lock (_gate)
        {
            return _config.FindJob(job) is not { } j ? null : new DaemonJobState(
                j.Name, j.Schedule?.Describe(), _next.GetValueOrDefault(j.Name), _running.ContainsKey(j.Name) && !_verifying.Contains(j.Name),
                _queue.Any(q => q.Job == j.Name), _missed.GetValueOrDefault(j.Name));
        }
    }

    public IReadOnlyList<DaemonJobState> Snapshot()
    {
        lock (_gate)
        {
            return [.. _config.Jobs.Select(j => State(j.Name)!)];
        }
    }
}

using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Runs;

namespace Syncwarden.Daemon;

public sealed partial class DaemonHost
{
    /// <summary>Next due time of every scheduled job; at start, jobs that missed a due time while the daemon was down run once.</summary>
    private void ComputeSchedules(DateTimeOffset now, bool catchUp)
    {
        _next.Clear();
        foreach (var job in _config.Jobs)
        {
            if (job.Schedule is not { } schedule)
            {
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
        if (_running.ContainsKey(job) || _queue.Any(q => q.Job == job))
        {
            _missed[job] = _missed.GetValueOrDefault(job) + 1;
            logger.LogWarning("job {Job}: run due {Due} skipped (missed: {Missed} so far): the previous run is still {State}",
                job, due is { } d ? "at " + d.ToLocalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "now",
                _missed[job], _running.ContainsKey(job) ? "running" : "waiting for a free slot");
            return;
        }
        _queue.Add((job, trigger));
    }

    private void StartQueued()
    {
        while (_queue.Count > 0 && _running.Count < _config.Daemon.MaxConcurrentJobs && !_stopping.IsCancellationRequested)
        {
            var (name, trigger) = _queue[0];
            _queue.RemoveAt(0);
            if (_config.FindJob(name) is not { } job)
            {
                continue;
            }
            var runner = _jobRunner;
            _running[name] = Task.Run(() => RunJobAsync(runner, job, trigger));
        }
    }

    private async Task RunJobAsync(JobRunner runner, JobConfig job, RunTrigger trigger)
    {
        try
        {
            var record = await runner.RunAsync(job, trigger, _stopping).ConfigureAwait(false);
            OnRunFinished?.Invoke(record);
        }
        catch (JobBusyException ex)
        {
            lock (_gate)
            {
                _missed[job.Name] = _missed.GetValueOrDefault(job.Name) + 1;
            }
            logger.LogWarning("{Message} (counted as missed)", ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug or an environment failure in one run must not take the daemon down.
            logger.LogError(ex, "job {Job}: run aborted by an unexpected error: {Message}", job.Name, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(job.Name);
            }
            Wake();
        }
    }

    /// <summary>SIGHUP: one run of every job now (jobs already running are not started twice).</summary>
    public void RunNow(IReadOnlyList<string>? jobs = null, RunTrigger trigger = RunTrigger.Signal)
    {
        lock (_gate)
        {
            foreach (var job in _config.Jobs.Where(j => jobs is null || jobs.Contains(j.Name)))
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
        OnReloading?.Invoke();
        var result = reloadConfig();
        if (!result.IsValid)
        {
            OnReady?.Invoke();
            logger.LogError("reload refused, keeping the current configuration: {Errors}", string.Join("; ", result.Errors));
            return result;
        }
        var config = result.Config!;
        lock (_gate)
        {
            _config = config;
            _zone = config.Daemon.ResolveTimeZone();
            _jobRunner = new JobRunner(config, history, progress, logger, _time, runner);
            _queue.RemoveAll(q => config.FindJob(q.Job) is null);
            ComputeSchedules(_time.GetUtcNow(), catchUp: false);
        }
        logger.LogInformation("configuration reloaded: {Jobs} job(s)", config.Jobs.Count);
        OnReady?.Invoke();
        Wake();
        return result;
    }

    public IReadOnlyList<DaemonJobState> Snapshot()
    {
        var live = progress.Snapshot().ToDictionary(p => p.Job, StringComparer.Ordinal);
        lock (_gate)
        {
            return [.. _config.Jobs.Select(j => new DaemonJobState(
                j.Name, j.Schedule?.Describe(), _next.GetValueOrDefault(j.Name), _running.ContainsKey(j.Name),
                _queue.Any(q => q.Job == j.Name), _missed.GetValueOrDefault(j.Name), live.GetValueOrDefault(j.Name)))];
        }
    }
}

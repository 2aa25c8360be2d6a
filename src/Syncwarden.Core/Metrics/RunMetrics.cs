using System.Diagnostics.Metrics;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Metrics;

/// <summary>
/// The daemon's run counters (runs by result, bytes, files, deletions, missed runs, lock waits), the run duration
/// histogram and the last run and last success times, as <see cref="System.Diagnostics.Metrics"/> instruments.
/// Watches the run events; starts from the history database, so counters go on from where they were before a
/// restart, and at each scrape also counts the runs other processes (<c>syncwarden run</c>) recorded there since.
/// Counters are observed at scrape time from totals kept here, so nothing is lost to the moment an exporter starts
/// listening; only the histogram records as runs are counted, which is why the exporter must listen before this is
/// made (the durations of past runs are recorded here, in the constructor).
/// Only configured jobs are reported: a job removed from the configuration disappears from the metrics.
/// </summary>
public sealed class RunMetrics : IRunEventSubscriber, IDisposable
{
    /// <summary>The meter every Syncwarden instrument belongs to; the exporter listens to this name.</summary>
    public const string DefaultMeterName = "Syncwarden";

    /// <summary>Run results that end a run, each reported (0 until it happens) so <c>increase()</c> sees the first one.</summary>
    private static readonly RunResult[] s_endings = [RunResult.Succeeded, RunResult.Warning, RunResult.Failed, RunResult.Cancelled, RunResult.Skipped];

    // From a second to a day: replication runs take seconds when nothing changed and hours for a first copy.
    private static readonly double[] s_durationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400];

    private readonly LiveConfiguration _configuration;
    private readonly HistoryStore _history;
    private readonly Histogram<double> _duration;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JobTotals> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _countedLock = new();
    // Runs claimed by a count (from the history or their event) at or above _unseenFrom, the oldest run the history
    // may still end: every run below it has been read there.
    private readonly HashSet<long> _counted = [];
    private long _unseenFrom;
    private long _lastCatchUp = -1;

    public RunMetrics(LiveConfiguration configuration, HistoryStore history, string meterName = DefaultMeterName)
    {
        _configuration = configuration;
        _history = history;
        Meter = new Meter(meterName, SyncwardenVersion.Current);
        _duration = Meter.CreateHistogram(MetricNames.RunDuration, unit: "s", description: "How long runs took, from start to end (any result).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        Meter.CreateObservableCounter(MetricNames.RunsTotal, ObserveRuns, description: "Runs that ended, by result (succeeded, warning, failed, cancelled, skipped).");
        Meter.CreateObservableCounter(MetricNames.BytesTransferred, () => PerJob(t => t.Bytes), description: "Bytes of file data in the files rsync transferred (its \"total transferred file size\").");
        Meter.CreateObservableCounter(MetricNames.FilesTransferred, () => PerJob(t => t.Files), description: "Regular files rsync transferred.");
        Meter.CreateObservableCounter(MetricNames.FilesDeleted, () => PerJob(t => t.Deleted), description: "Files rsync deleted at the destination.");
        Meter.CreateObservableCounter(MetricNames.MissedRuns, () => PerJob(t => t.Missed),
            description: "Due runs that did not start because the previous run was still going or another process held the job.");
        Meter.CreateObservableCounter(MetricNames.LockWait, () => PerJob(t => t.LockWaitSeconds),
            description: "Seconds the daemon's runs waited for locks and blocks-on files held by others (completed waits).");
        Meter.CreateObservableGauge(MetricNames.LastRun, () => Timestamps(t => t.LastRunEnd), description: "Unix time the last run ended (any result).");
        Meter.CreateObservableGauge(MetricNames.LastSuccess, () => Timestamps(t => t.LastSuccess), description: "Unix time the last successful run (succeeded or warning) ended.");

        CatchUpWithHistory();
        var configured = configuration.Current;
        foreach (var (job, name, value) in history.Counters())
        {
            if (configured.FindJob(job) is not null)
            {
                Update(job, t =>
                {
                    t.Missed += name == JobCounter.MissedRuns ? (long)value : 0;
                    t.LockWaitSeconds += name == JobCounter.LockWaitSeconds ? value : 0;
                });
            }
        }
    }

    /// <summary>The meter of these instruments; the daemon's gauges (<see cref="JobGauges"/>) join it.</summary>
    public Meter Meter { get; }

    public string Name => "metrics";

    /// <summary>
    /// What staleness counts from (<see cref="Staleness.StaleAt"/>): the job's last success, else when it first ran;
    /// null if it never ran.
    /// </summary>
    public DateTimeOffset? StaleSince(string job)
    {
        lock (_lock)
        {
            return _jobs.GetValueOrDefault(job) is { } t ? t.LastSuccess ?? t.FirstRunStart : null;
        }
    }

    public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        switch (runEvent)
        {
            case RunStarted started:
                Update(started.Job, t => t.FirstRunStart ??= started.Run.StartedAt);
                break;
            case RunFinished finished:
                Ended(finished.Run);
                break;
            case RunMissed missed:
                Update(missed.Job, t => t.Missed++);
                _history.AddToCounter(missed.Job, JobCounter.MissedRuns, 1);
                break;
            case RunWaiting waiting:
                Update(waiting.Job, t => t.WaitingSince ??= waiting.At);
                break;
            case RunStageChanged or RunProgressed:
                StopWaiting(runEvent.Job!, runEvent.At);
                break;
        }
        return ValueTask.CompletedTask;
    }

    // A wait that ended is added to the total here and in the history, so it survives a restart.
    private void StopWaiting(string job, DateTimeOffset at)
    {
        var waited = 0.0;
        Update(job, t => waited = t.StopWaiting(at));
        if (waited > 0)
        {
            _history.AddToCounter(job, JobCounter.LockWaitSeconds, waited);
        }
    }

    /// <summary>
    /// Counts the runs that ended in the history since the last look and not through this daemon's events: those of
    /// <c>syncwarden run</c> and other processes sharing the state dir (and, at start, every run before). Called at
    /// start and by each scrape, at most once a second.
    /// </summary>
    private void CatchUpWithHistory()
    {
        var ended = new List<RunRecord>();
        lock (_countedLock)
        {
            var now = Environment.TickCount64;
            if (_lastCatchUp >= 0 && now - _lastCatchUp < 1000)
            {
                return;
            }
            _lastCatchUp = now;
            long? stillRunning = null;
            var next = _unseenFrom;
            foreach (var run in _history.RunsFrom(_unseenFrom))
            {
                next = run.Id + 1;
                if (run.Result == RunResult.Running)
                {
                    stillRunning ??= run.Id;
                }
                else if (_counted.Add(run.Id))
                {
                    ended.Add(run);
                }
            }
            _unseenFrom = stillRunning ?? next;
            // Every run below the mark has ended and was claimed, here or by its event: only the ids above it are kept,
            // so the set stays as small as the runs going on at once, however long the daemon lives.
            _counted.RemoveWhere(id => id < _unseenFrom);
        }
        var configured = _configuration.Current;
        foreach (var run in ended.Where(r => configured.FindJob(r.Job) is not null))
        {
            Count(run);
        }
    }

    /// <summary>A run of this daemon ended (its event): counted unless the history was read first.</summary>
    private void Ended(RunRecord run)
    {
        StopWaiting(run.Job, run.EndedAt ?? run.StartedAt);
        lock (_countedLock)
        {
            if (run.Id < _unseenFrom || !_counted.Add(run.Id))
            {
                return;
            }
        }
        Count(run);
    }

    private void Count(RunRecord run)
    {
        var end = run.EndedAt ?? run.StartedAt;
        Update(run.Job, t =>
        {
            t.FirstRunStart = t.FirstRunStart is { } first && first < run.StartedAt ? first : run.StartedAt;
            t.Runs[run.Result] = t.Runs.GetValueOrDefault(run.Result) + 1;
            t.Bytes += run.BytesTransferred;
            t.Files += run.FilesTransferred;
            t.Deleted += run.FilesDeleted;
            t.LastRunEnd = Later(t.LastRunEnd, end);
            if (run.Result is RunResult.Succeeded or RunResult.Warning)
            {
                t.LastSuccess = Later(t.LastSuccess, end);
            }
        });
        if (run.Duration is { } duration)
        {
            _duration.Record(Math.Max(0, duration.TotalSeconds), new KeyValuePair<string, object?>(MetricNames.JobLabel, run.Job));
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c > candidate ? c : candidate;

    private void Update(string job, Action<JobTotals> change)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(job, out var totals))
            {
                _jobs[job] = totals = new JobTotals();
            }
            change(totals);
        }
    }

    /// <summary>Each configured job with a copy of its totals (zeros for a job that never ran), taken under the lock.</summary>
    private List<(string Job, JobTotals Totals)> Snapshot()
    {
        CatchUpWithHistory();
        var jobs = _configuration.Current.Jobs;
        lock (_lock)
        {
            return [.. jobs.Select(j => (j.Name, _jobs.GetValueOrDefault(j.Name)?.Copy() ?? new JobTotals()))];
        }
    }

    private IEnumerable<Measurement<long>> ObserveRuns() =>
        from s in Snapshot()
        from result in s_endings
        select new Measurement<long>(s.Totals.Runs.GetValueOrDefault(result),
            new KeyValuePair<string, object?>(MetricNames.JobLabel, s.Job), new KeyValuePair<string, object?>(MetricNames.ResultLabel, result.ToKebabCase()));

    private IEnumerable<Measurement<T>> PerJob<T>(Func<JobTotals, T> value) where T : struct =>
        Snapshot().Select(s => new Measurement<T>(value(s.Totals), new KeyValuePair<string, object?>(MetricNames.JobLabel, s.Job)));

    private IEnumerable<Measurement<double>> Timestamps(Func<JobTotals, DateTimeOffset?> value) =>
        from s in Snapshot()
        let at = value(s.Totals)
        where at is not null
        select new Measurement<double>(at!.Value.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>(MetricNames.JobLabel, s.Job));

    public void Dispose() => Meter.Dispose();

    private sealed class JobTotals
    {
        public Dictionary<RunResult, long> Runs { get; private init; } = [];
        public long Bytes { get; set; }
        public long Files { get; set; }
        public long Deleted { get; set; }
        public long Missed { get; set; }
        public double LockWaitSeconds { get; set; }
        public DateTimeOffset? WaitingSince { get; set; }
        public DateTimeOffset? LastRunEnd { get; set; }
        public DateTimeOffset? LastSuccess { get; set; }
        public DateTimeOffset? FirstRunStart { get; set; }

        /// <summary>A run that waited for a lock moved on (or ended): the wait is added to the total and returned.</summary>
        public double StopWaiting(DateTimeOffset at)
        {
            if (WaitingSince is not { } since)
            {
                return 0;
            }
            var waited = Math.Max(0, (at - since).TotalSeconds);
            LockWaitSeconds += waited;
            WaitingSince = null;
            return waited;
        }

        public JobTotals Copy() => new()
        {
            Runs = new(Runs), Bytes = Bytes, Files = Files, Deleted = Deleted, Missed = Missed,
            LockWaitSeconds = LockWaitSeconds, WaitingSince = WaitingSince, LastRunEnd = LastRunEnd, LastSuccess = LastSuccess, FirstRunStart = FirstRunStart,
        };
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Runs;

namespace Syncwarden.Daemon;

/// <summary>What <see cref="JobScheduler.Cancel"/> did.</summary>
public enum CancelOutcome
{
    /// <summary>The running run was told to stop (rsync gets SIGTERM); it is recorded cancelled.</summary>
    Cancelled,
    /// <summary>The run was still waiting for a free slot and was taken off the queue; nothing was recorded.</summary>
    Dequeued,
    NotRunning,
    UnknownJob,
}

/// <summary>What the daemon knows about one job right now.</summary>
public sealed record DaemonJobState(string Job, string? Schedule, DateTimeOffset? NextRun, bool Running, bool Queued, int Missed);

/// <summary>
/// The daemon's loop: runs every job on its schedule. Waits on a timer (of the injected clock) until
/// the next due time or a request (run now, reload, shutdown): no polling. A due run of a job that is
/// still running is skipped and counted as missed (<see cref="RunMissed"/>); at most
/// <see cref="DaemonSettings.MaxConcurrentJobs"/> jobs run at once. While nothing runs it announces
/// <see cref="DaemonWaiting"/> with Idle set (at least once a minute), which the power policy watches.
/// </summary>
public sealed partial class JobScheduler(
    LiveConfiguration configuration,
    HistoryStore history,
    JobRunnerFactory runners,
    RunEventHub events,
    ILogger<JobScheduler> logger,
    TimeProvider time,
    Verification.VerifyRunner verifier) : BackgroundService
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, DateTimeOffset?> _next = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    // One per running job, so a user's cancel (Cancel) stops that run and no other.
    private readonly Dictionary<string, CancellationTokenSource> _cancels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _missed = new(StringComparer.Ordinal);
    private readonly List<(string Job, RunTrigger Trigger)> _queue = [];
    private SyncwardenConfig _config = configuration.Current;
    private JobRunner _jobRunner = runners.Create(configuration.Current);
    private TimeZoneInfo _zone = configuration.Current.Daemon.ResolveTimeZone();
    private CancellationToken _stopping;

    // Timers run on the monotonic clock, which stops while the host is suspended; waking at least once
    // a minute re-reads the wall clock so a due time passed during a suspend is noticed promptly.
    private static readonly TimeSpan s_longestSleep = TimeSpan.FromMinutes(1);

    public SyncwardenConfig Config
    {
        get
        {
            lock (_gate)
            {
                return _config;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await _jobRunner.RecoverAsync().ConfigureAwait(false);
        lock (_gate)
        {
            ComputeSchedules(time.GetUtcNow(), catchUp: true);
        }
        logger.LogInformation("daemon started: {Jobs} job(s), {Scheduled} scheduled, time zone {Zone}, at most {Max} at once",
            _config.Jobs.Count, _config.Jobs.Count(j => j.Schedule is not null && !_config.RunsElsewhere(j)), _zone.Id, _config.Daemon.MaxConcurrentJobs);
        AnnounceReady();

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            Task woken;
            DaemonWaiting waiting;
            lock (_gate)
            {
                var now = time.GetUtcNow();
                EnqueueDue(now);
                EnqueueDueVerifications(now);
                StartQueued();
                var nextDue = _next.Values.Concat(_nextVerify.Values).Where(v => v is not null).Min();
                wait = nextDue is { } due ? Clamp(due - now) : s_longestSleep;
                waiting = new DaemonWaiting(now, nextDue, _running.Count == 0 && _queue.Count == 0);
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                woken = _wake.Task;
            }
            // Sleeps until the next due time, or earlier when a run ends or a request arrives.
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var timer = Task.Delay(wait, time, sleep.Token);
            // Announced once the timer is set, so whoever reacts to it (or moves a test clock) finds the loop waiting.
            events.Publish(waiting);
            await Task.WhenAny(timer, woken).ConfigureAwait(false);
            await sleep.CancelAsync().ConfigureAwait(false);
        }

        Task[] running;
        lock (_gate)
        {
            _queue.Clear();
            running = [.. _running.Values];
        }
        if (running.Length > 0)
        {
            logger.LogInformation("stopping: waiting for {Count} running job(s) to stop (rsync gets SIGTERM, SIGKILL after {Grace})", running.Length, DurationParser.Format(_config.Daemon.ShutdownGrace));
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        logger.LogInformation("daemon stopped");
    }

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t > s_longestSleep ? s_longestSleep : t;

    private void AnnounceReady()
    {
        var config = Config;
        events.Publish(new DaemonReady(time.GetUtcNow(), config.Jobs.Count, config.Jobs.Count(j => j.Schedule is not null)));
    }

    /// <summary>Makes the loop look at its queue and schedules now.</summary>
    private void Wake()
    {
        lock (_gate)
        {
            _wake.TrySetResult();
        }
    }
}

/// <summary>Makes the <see cref="JobRunner"/> for a configuration (a new one after each reload).</summary>
public sealed class JobRunnerFactory(HistoryStore history, RunEventHub events, ILogger<JobRunner> logger, TimeProvider time, Processes.ProcessRunner runner)
{
    public JobRunner Create(SyncwardenConfig config) => new(config, history, events, logger, time, runner);
}

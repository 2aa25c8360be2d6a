using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Runs;

namespace Syncwarden.Daemon;

/// <summary>What the daemon knows about one job right now.</summary>
public sealed record DaemonJobState(string Job, string? Schedule, DateTimeOffset? NextRun, bool Running, bool Queued, int Missed, RunProgress? Progress);

/// <summary>
/// Runs every job on its schedule. Waits on a timer until the next due time or a request (run now,
/// reload, shutdown): no polling. A due run of a job that is still running is skipped and counted
/// as missed; at most <see cref="DaemonSettings.MaxConcurrentJobs"/> jobs run at once.
/// </summary>
public sealed partial class DaemonHost(
    SyncwardenConfig config,
    Func<ConfigLoadResult> reloadConfig,
    HistoryStore history,
    ProgressBoard progress,
    ILogger logger,
    TimeProvider? time = null,
    ProcessRunner? runner = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, DateTimeOffset?> _next = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _missed = new(StringComparer.Ordinal);
    private readonly List<(string Job, RunTrigger Trigger)> _queue = [];
    private SyncwardenConfig _config = config;
    private JobRunner _jobRunner = new(config, history, progress, logger, time, runner);
    private TimeZoneInfo _zone = config.Daemon.ResolveTimeZone();

    /// <summary>
    /// Called while the daemon is idle (nothing running or queued), with the next due time, at most
    /// once a minute. Returns true when the host slept, so timers are recomputed from the wall clock.
    /// </summary>
    public Func<DateTimeOffset?, CancellationToken, Task<bool>>? OnIdle { get; set; }

    /// <summary>Called when the daemon is ready: at start and after each reload (systemd READY=1).</summary>
    public Action? OnReady { get; set; }

    /// <summary>Called after each run with its record.</summary>
    public Action<RunRecord>? OnRunFinished { get; set; }

    /// <summary>Called when a reload begins (systemd RELOADING=1).</summary>
    public Action? OnReloading { get; set; }

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

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        var closed = history.CloseAbandonedRuns(_time.GetUtcNow());
        if (closed > 0)
        {
            logger.LogWarning("{Count} run(s) left unfinished by a stopped syncwarden were recorded as failed (interrupted)", closed);
        }
        lock (_gate)
        {
            ComputeSchedules(_time.GetUtcNow(), catchUp: true);
        }
        logger.LogInformation("daemon started: {Jobs} job(s), {Scheduled} scheduled, time zone {Zone}, at most {Max} at once",
            _config.Jobs.Count, _config.Jobs.Count(j => j.Schedule is not null), _zone.Id, _config.Daemon.MaxConcurrentJobs);
        OnReady?.Invoke();

        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            bool idle;
            Task woken;
            DateTimeOffset? nextDue;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                EnqueueDue(now);
                StartQueued();
                nextDue = _next.Values.Where(v => v is not null).Min();
                wait = nextDue is { } due ? Clamp(due - now) : TimeSpan.FromDays(1);
                idle = _running.Count == 0 && _queue.Count == 0;
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                woken = _wake.Task;
            }
            if (idle && OnIdle is { } onIdle && await IdleSafelyAsync(onIdle, nextDue, stopping).ConfigureAwait(false))
            {
                continue;
            }
            // Sleeps until the next due time, or earlier when a run ends or a request arrives.
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var timer = Task.Delay(wait, _time, sleep.Token);
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

    // Timers run on the monotonic clock, which stops while the host is suspended; waking at least once
    // a minute re-reads the wall clock so a due time passed during a suspend is noticed promptly.
    private static readonly TimeSpan s_longestSleep = TimeSpan.FromMinutes(1);

    private static TimeSpan Clamp(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t > s_longestSleep ? s_longestSleep : t;

    private CancellationToken _stopping;

    /// <summary>The idle hook (deep sleep) must never take the daemon down.</summary>
    private async Task<bool> IdleSafelyAsync(Func<DateTimeOffset?, CancellationToken, Task<bool>> onIdle, DateTimeOffset? nextDue, CancellationToken stopping)
    {
        try
        {
            return await onIdle(nextDue, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogError("idle handling failed (the daemon carries on): {Message}", ex.Message);
            return false;
        }
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

using System.Diagnostics.Metrics;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Standby;
using Syncwarden.Runs;
using Syncwarden.Status;

namespace Syncwarden.Metrics;

/// <summary>
/// What the daemon knows right now, read at scrape time: each job's next run, whether it runs, how far its
/// transfer is and whether its replica is out of date; and the build. Joins the meter of <see cref="RunMetrics"/>.
/// </summary>
public sealed class JobGauges
{
    public JobGauges(RunMetrics runs, JobScheduler scheduler, LiveRuns live, TimeProvider time)
    {
        var meter = runs.Meter;
        meter.CreateObservableGauge(MetricNames.NextRun, () =>
                from state in scheduler.Snapshot()
                where state.NextRun is not null
                select new Measurement<double>(state.NextRun!.Value.ToUnixTimeMilliseconds() / 1000.0, Job(state.Job)),
            description: "Unix time of the job's next scheduled run (absent for jobs run only on demand).");
        meter.CreateObservableGauge(MetricNames.Running, () =>
                scheduler.Snapshot().Select(state => new Measurement<int>(state.Running ? 1 : 0, Job(state.Job))),
            description: "1 while a run of the job is going (waiting for locks included), else 0.");
        meter.CreateObservableGauge(MetricNames.TransferProgress, () =>
                scheduler.Snapshot().Select(state => new Measurement<double>(Progress(live.Get(state.Job)), Job(state.Job))),
            description: "How far the running job's transfer is, 0 to 1 over all its syncs (rsync's own totals); 0 when nothing transfers.");
        meter.CreateObservableGauge(MetricNames.OutOfSync, () =>
            {
                var config = scheduler.Config;
                var now = time.GetUtcNow();
                var zone = config.Daemon.ResolveTimeZone();
                return config.Jobs.Select(job => new Measurement<int>(Staleness.IsStale(job, runs.StaleSince(job.Name), now, zone) ? 1 : 0, Job(job.Name)));
            },
            description: "1 when two due times of the job's schedule passed since its last success (or, never successful, since its first run); else 0. Jobs run on demand are never out of sync.");
        // The standby pair, read from the role store and the local markers at scrape time (absent without a standby: section).
        meter.CreateObservableGauge(MetricNames.Role, () => StandbyStatus(scheduler.Config, time) is { } s
                ? [new Measurement<int>(s.Role == StandbyRole.Primary ? 1 : 0, Job(StandbySettings.JobName))] : Array.Empty<Measurement<int>>(),
            description: "Standby pair: 1 while this machine is the primary, 0 while it is the standby.");
        meter.CreateObservableGauge(MetricNames.StandbyLag, () => StandbyStatus(scheduler.Config, time) is { LagSeconds: { } lag }
                ? [new Measurement<double>(lag, Job(StandbySettings.JobName))] : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Standby pair: seconds since the last good sync (received on the standby, sent on the primary).");
        meter.CreateObservableCounter(MetricNames.StandbyRefusedPushes, () => StandbyStatus(scheduler.Config, time) is { } s
                ? [new Measurement<long>(s.RefusedPushes, Job(StandbySettings.JobName))] : Array.Empty<Measurement<long>>(),
            description: "Standby pair: pushes of this machine refused because the peer held a higher epoch (fencing).");
        meter.CreateObservableGauge(MetricNames.BuildInfo, () => new Measurement<int>(1, new KeyValuePair<string, object?>(MetricNames.VersionLabel, SyncwardenVersion.Current)),
            description: "Always 1; the version label names the running syncwarden.");
    }

    private static KeyValuePair<string, object?> Job(string name) => new(MetricNames.JobLabel, name);

    private static StandbyStatus? StandbyStatus(SyncwardenConfig config, TimeProvider time) => StandbyStore.CurrentStatus(config, time);

    /// <summary>The run's share done: finished syncs count whole, the current one by rsync's percentage.</summary>
    internal static double Progress(RunProgress? run) =>
        run is { Transfer: { } transfer, SyncCount: > 0 } ? Math.Clamp((run.SyncIndex + (transfer.Percent / 100.0)) / run.SyncCount, 0, 1) : 0;
}

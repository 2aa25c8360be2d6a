using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Scheduling;

namespace Syncwarden.Status;

/// <summary>Staleness and the Kubernetes-style conditions of a job's status (seed 004's model).</summary>
public static class JobConditions
{
    public const string Synchronizing = "Synchronizing";
    public const string Stale = "Stale";
    public const string Failed = "Failed";

    public static IReadOnlyList<JobCondition> For(
        JobState state, string? activity, RunRecord? lastRun, RunRecord? lastFinished, RunRecord? lastSuccess, DateTimeOffset? staleAt, bool stale, DateTimeOffset now) =>
    [
        SynchronizingCondition(state, activity, lastRun),
        StaleCondition(staleAt, stale, lastRun, lastSuccess, now),
        FailedCondition(lastFinished),
    ];

    private static JobCondition SynchronizingCondition(JobState state, string? activity, RunRecord? lastRun) => state switch
    {
        JobState.Running or JobState.Waiting when lastRun is { Result: RunResult.Running } run =>
            new(Synchronizing, "True", state == JobState.Running ? "Running" : "Waiting", activity ?? "", run.StartedAt),
        JobState.Waiting => new(Synchronizing, "False", "Queued", "due, waiting for a free slot", lastRun?.EndedAt),
        JobState.Sleeping => new(Synchronizing, "False", "Sleeping", "the host sleeps until the next run", lastRun?.EndedAt),
        _ => new(Synchronizing, "False", "Idle", "", lastRun?.EndedAt),
    };

    private static JobCondition StaleCondition(DateTimeOffset? staleAt, bool stale, RunRecord? lastRun, RunRecord? lastSuccess, DateTimeOffset now)
    {
        if (lastRun is null)
        {
            return new(Stale, "Unknown", "NeverRun", "not run yet", null);
        }
        if (staleAt is not { } at)
        {
            return new(Stale, "False", "OnDemand", "no schedule and no stale-after: never stale", null);
        }
        if (lastSuccess?.EndedAt is not { } synced)
        {
            return stale
                ? new(Stale, "True", "NeverSynchronized", "no run of this job has succeeded yet", at)
                : new(Stale, "False", "NotSynchronizedYet", $"no run has succeeded yet; stale at {at:u} unless one does", lastRun.StartedAt);
        }
        var age = Age(synced, now);
        return stale
            ? new(Stale, "True", "LastSyncTooOld", $"last successful sync {age} ago; stale since {at:u}", at)
            : new(Stale, "False", "UpToDate", $"last successful sync {age} ago; stale at {at:u} without another", synced);
    }

    private static JobCondition FailedCondition(RunRecord? lastFinished) => lastFinished switch
    {
        null => new(Failed, "Unknown", "NeverRun", "", null),
        { Result: RunResult.Failed } f => new(Failed, "True", "RunFailed", f.Error ?? "", f.EndedAt),
        var f => new(Failed, "False", "Run" + f.Result.ToString(), f.Error ?? "", f.EndedAt),
    };

    /// <summary>How long ago <paramref name="synced"/> was, in its largest whole unit ("40s", "12m", "3h", "2d"); "-" for never.</summary>
    public static string Age(DateTimeOffset? synced, DateTimeOffset now)
    {
        if (synced is not { } s)
        {
            return "-";
        }
        var age = now - s < TimeSpan.Zero ? TimeSpan.Zero : now - s;
        var (value, unit) = age.TotalDays >= 1 ? (age.TotalDays, "d") : age.TotalHours >= 1 ? (age.TotalHours, "h") : age.TotalMinutes >= 1 ? (age.TotalMinutes, "m") : (age.TotalSeconds, "s");
        return Math.Floor(value).ToString(CultureInfo.InvariantCulture) + unit;
    }
}

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

    /// <summary>
    /// How old a job's last successful sync may get: its <c>stale-after</c>, else twice the gap between the schedule's
    /// next two due times after <paramref name="now"/>; null (never stale) for a job without either.
    /// </summary>
    public static TimeSpan? StaleAfter(JobConfig job, DateTimeOffset now, TimeZoneInfo zone) =>
        job.StaleAfter ?? DefaultStaleAfter(job.Schedule, now, zone);

    private static TimeSpan? DefaultStaleAfter(ISchedule? schedule, DateTimeOffset now, TimeZoneInfo zone) =>
        schedule?.NextAfter(now, zone) is { } first && schedule.NextAfter(first, zone) is { } second ? 2 * (second - first) : null;

    /// <summary>
    /// Stale: the last success is older than <paramref name="staleAfter"/>, or the job has runs but none succeeded.
    /// A job that never ran is not called stale (its condition says Unknown).
    /// </summary>
    public static bool IsStale(TimeSpan? staleAfter, RunRecord? lastSuccess, RunRecord? lastRun, DateTimeOffset now) =>
        staleAfter is { } limit && (lastSuccess?.EndedAt is { } synced ? now - synced > limit : lastRun is not null);

    public static IReadOnlyList<JobCondition> For(
        JobState state, string? activity, RunRecord? lastRun, RunRecord? lastFinished, RunRecord? lastSuccess, TimeSpan? staleAfter, bool stale, DateTimeOffset now) =>
    [
        SynchronizingCondition(state, activity, lastRun),
        StaleCondition(staleAfter, stale, lastRun, lastSuccess, now),
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

    private static JobCondition StaleCondition(TimeSpan? staleAfter, bool stale, RunRecord? lastRun, RunRecord? lastSuccess, DateTimeOffset now)
    {
        if (staleAfter is not { } limit)
        {
            return new(Stale, "False", "OnDemand", "no schedule and no stale-after: never stale", null);
        }
        var after = DurationParser.Format(limit);
        if (lastSuccess?.EndedAt is not { } synced)
        {
            return lastRun is null
                ? new(Stale, "Unknown", "NeverRun", $"not run yet; stale {after} after a successful sync", null)
                : new(Stale, "True", "NeverSynchronized", "no run of this job has succeeded yet", lastRun.StartedAt);
        }
        var age = Age(synced, now);
        return stale
            ? new(Stale, "True", "LastSyncTooOld", $"last successful sync {age} ago, more than {after}", synced + limit)
            : new(Stale, "False", "UpToDate", $"last successful sync {age} ago, stale after {after}", synced);
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

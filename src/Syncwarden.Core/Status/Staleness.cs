using Syncwarden.Configuration;

namespace Syncwarden.Status;

/// <summary>
/// When a job's replica counts as out of date: the one rule for the dashboard's red age, <c>syncwarden_out_of_sync</c>
/// and the alerting rules built on it.
/// </summary>
/// <remarks>
/// By default a job is stale once <see cref="DefaultPeriods"/> due times of its schedule have passed since its last
/// success: one due run may fail or be missed, the second may not. Counting due times rather than multiplying one
/// period keeps irregular cron schedules right: a weekday job that last succeeded on Friday is due Monday and Tuesday,
/// so it is not stale over the weekend, where twice "the gap between the next two due times" (a day) would say it is.
/// A job's own <c>stale-after:</c> replaces the count: stale once its last success is older than that. A job without a
/// schedule or a stale-after (run on demand) is never stale.
/// </remarks>
public static class Staleness
{
    /// <summary>Due times a job may pass without a success before it is stale, unless it says otherwise.</summary>
    public const int DefaultPeriods = 2;

    /// <summary>
    /// The instant the job becomes stale, counted from <paramref name="since"/>: its last success or, if it never
    /// succeeded, when it first ran. Null when it cannot become stale: no schedule, or never run (nothing was due yet
    /// as far as anyone knows).
    /// </summary>
    public static DateTimeOffset? StaleAt(JobConfig job, DateTimeOffset? since, TimeZoneInfo zone)
    {
        if (since is not { } from)
        {
            return null;
        }
        if (job.StaleAfter is { } limit)
        {
            return from + limit;
        }
        if (job.Schedule is not { } schedule)
        {
            return null;
        }
        DateTimeOffset? due = from;
        for (var i = 0; i < DefaultPeriods && due is { } d; i++)
        {
            due = schedule.NextAfter(d, zone);
        }
        return due;
    }

    /// <summary>True when <paramref name="now"/> is past <see cref="StaleAt"/>.</summary>
    public static bool IsStale(JobConfig job, DateTimeOffset? since, DateTimeOffset now, TimeZoneInfo zone) =>
        StaleAt(job, since, zone) is { } at && now > at;
}

namespace Syncwarden.Scheduling;

/// <summary>When a job is due: a cron expression or an "every" interval, evaluated in a time zone.</summary>
public interface ISchedule
{
    /// <summary>The first due time strictly after <paramref name="after"/>, or null if there is none.</summary>
    DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone);

    /// <summary>The configured text, for status output and logs (e.g. "0 1 * * *", "every 1d at 01:00").</summary>
    string Describe();

    /// <summary>
    /// About how long one period of the schedule is, for display and reasoning about a schedule: the
    /// interval of an "every" schedule; for cron, the longest gap among its first occurrences (see the
    /// type). Catch-up does not use it: it asks whether a due time passed since the last run began.
    /// </summary>
    TimeSpan NominalPeriod { get; }
}

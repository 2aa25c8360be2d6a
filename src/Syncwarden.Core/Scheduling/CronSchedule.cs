using System.Globalization;
using Cronos;

namespace Syncwarden.Scheduling;

/// <summary>
/// A standard five-field cron expression (minute hour day-of-month month day-of-week), evaluated in a time zone.
/// </summary>
/// <remarks>
/// <para>Fields accept <c>*</c>, lists (<c>1,15</c>), ranges (<c>1-5</c>), steps (<c>*/5</c>, <c>1-30/7</c>,
/// <c>5/15</c> meaning 5 to the field's maximum every 15), month names <c>JAN</c>-<c>DEC</c> and weekday names
/// <c>SUN</c>-<c>SAT</c> (case-insensitive; weekday 0 and 7 are both Sunday), and the macros <c>@hourly</c>,
/// <c>@daily</c>, <c>@midnight</c>, <c>@weekly</c>, <c>@monthly</c>, <c>@yearly</c> and <c>@annually</c>.
/// <see cref="CronSyntax"/> checks the text; the Cronos library finds due times.</para>
/// <para>Day rule (Vixie cron): when both day-of-month and day-of-week are restricted (neither field starts with
/// <c>*</c>), a day matches if either field matches; otherwise both must match.</para>
/// <para>Daylight saving time, for the wall-clock times the expression names in the zone:
/// a time that does not exist (skipped by a spring-forward change) runs once, at the first instant after the gap,
/// which is the instant of the change; several skipped times collapse into that one run.
/// A time that occurs twice (repeated by a fall-back change) runs once, at its first occurrence; nothing runs
/// during the second pass through the repeated wall-clock times, so a <c>*/5 * * * *</c> job pauses for the
/// repeated hour.</para>
/// <para>Two of these rules are not Cronos' own, so this type wraps it rather than exposing it:
/// Cronos always requires both day fields to match (the "either" rule is kept by asking one expression per day
/// field and taking the earlier answer; <c>CronScheduleTests.Next_occurrence_in_utc</c> with <c>0 0 13 * 5</c>),
/// and Cronos runs an expression with <c>*</c>, a range or a step in the minute or hour field in both passes of a
/// repeated hour (the second pass is skipped here;
/// <c>CronScheduleDstTests.Frequent_job_pauses_during_the_second_pass_of_the_repeated_hour</c>).</para>
/// </remarks>
public sealed class CronSchedule : ISchedule
{
    private const int NominalSamples = 12;

    private readonly CronExpression[] _expressions;
    private readonly string _text;
    private readonly Lazy<TimeSpan> _nominalPeriod;

    private CronSchedule(string text, CronExpression[] expressions)
    {
        _text = text;
        _expressions = expressions;
        _nominalPeriod = new Lazy<TimeSpan>(ComputeNominalPeriod);
    }

    /// <summary>
    /// The longest gap between consecutive occurrences among the first twelve after 2001-01-01 00:00 UTC, evaluated
    /// in UTC; <see cref="TimeSpan.MaxValue"/> when the expression has fewer than two occurrences.
    /// </summary>
    public TimeSpan NominalPeriod => _nominalPeriod.Value;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> names each bad field and its problem.</summary>
    public static bool TryParse(string? text, out CronSchedule? schedule, out string? error)
    {
        var original = (text ?? "").Trim();
        schedule = CronSyntax.Parse(original, out error) is { } fields ? new CronSchedule(original, ToCronos(fields)) : null;
        return schedule is not null;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> with the parse error.</summary>
    public static CronSchedule Parse(string text) =>
        TryParse(text, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <inheritdoc />
    /// <remarks>See the class remarks for the daylight saving time rules.</remarks>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        var next = Earliest(after, zone);
        // Cronos already maps a skipped time to the end of the gap and a repeated time to its first occurrence, but
        // answers in the second pass too for "interval" expressions; this steps at most once per repeated minute.
        while (next is { } n && WallClock.IsSecondPass(n, zone))
        {
            next = Earliest(n, zone);
        }
        return next;
    }

    public string Describe() => _text;

    public override string ToString() => _text;

    private DateTimeOffset? Earliest(DateTimeOffset after, TimeZoneInfo zone)
    {
        DateTimeOffset? earliest = null;
        foreach (var expression in _expressions)
        {
            if (expression.GetNextOccurrence(after, zone) is { } next && (earliest is null || next < earliest))
            {
                earliest = next;
            }
        }
        return earliest;
    }

    /// <summary>
    /// Cronos expressions for <paramref name="fields"/>, written as plain value lists so that Cronos never reads the
    /// user's text (see <see cref="CronSyntax"/> for why); two when either day field may match.
    /// </summary>
    private static CronExpression[] ToCronos(CronFields fields)
    {
        var head = $"{List(fields.Minutes, 0, 59)} {List(fields.Hours, 0, 23)}";
        var daysOfMonth = List(fields.DaysOfMonth, 1, 31);
        var month = List(fields.Months, 1, 12);
        var daysOfWeek = List(fields.DaysOfWeek, 0, 6);
        return fields.EitherDay
            ? [CronExpression.Parse($"{head} {daysOfMonth} {month} *"), CronExpression.Parse($"{head} * {month} {daysOfWeek}")]
            : [CronExpression.Parse($"{head} {daysOfMonth} {month} {daysOfWeek}")];
    }

    private static string List(ulong mask, int min, int max)
    {
        var values = Enumerable.Range(min, max - min + 1).Where(v => (mask & (1UL << v)) != 0).ToList();
        return values.Count == max - min + 1 ? "*" : string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
    }

    private TimeSpan ComputeNominalPeriod()
    {
        var longest = TimeSpan.Zero;
        DateTimeOffset? previous = NextAfter(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        for (var i = 1; i < NominalSamples && previous is { } p; i++)
        {
            if (NextAfter(p, TimeZoneInfo.Utc) is not { } next)
            {
                break;
            }
            longest = next - p > longest ? next - p : longest;
            previous = next;
        }
        return longest == TimeSpan.Zero ? TimeSpan.MaxValue : longest;
    }
}

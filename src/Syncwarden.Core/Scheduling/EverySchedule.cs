using System.Globalization;
using System.Text;

namespace Syncwarden.Scheduling;

/// <summary>
/// A fixed interval (<c>every: { weeks, days, hours, minutes, seconds, at }</c>), optionally anchored at a
/// wall-clock time of day, evaluated in a time zone.
/// </summary>
/// <remarks>
/// <para>The series is anchored at <see cref="At"/> (default 00:00) local time on 2000-01-01 in the zone, so due
/// times do not depend on when the daemon started. Intervals under a minute are accepted.</para>
/// <para>Whole days (weeks and days only): due at <see cref="At"/> wall-clock time every N days counted from
/// 2000-01-01 (a Saturday, so <c>weeks: 1</c> falls on Saturdays; use cron for a chosen weekday). 01:00 stays
/// 01:00 across daylight saving changes; a time skipped by a spring-forward change runs once at the first instant
/// after the gap, a time repeated by a fall-back change runs once, at its first occurrence.</para>
/// <para>Under one day: the series restarts every local day at <see cref="At"/> and then repeats in elapsed time
/// until the next day's start, so <c>hours: 6, at: "00:30"</c> runs at 00:30, 06:30, 12:30 and 18:30 on normal days.
/// On a day with a daylight saving change the runs after the change shift by the change (a 23-hour day has one
/// hourly run fewer, a 25-hour day one more: an hourly job runs in both passes of the repeated hour), and an
/// interval that does not divide the day leaves a shorter gap before the next day's start.</para>
/// <para>One day or more but not whole days (such as 1 day 12 hours): elapsed time from the anchor instant.</para>
/// </remarks>
public sealed class EverySchedule : ISchedule
{
    private static readonly DateTime AnchorDate = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);

    public EverySchedule(TimeSpan interval, TimeOnly? at = null)
    {
        if (interval <= TimeSpan.Zero || interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "the interval must be a positive whole number of seconds");
        }
        Interval = interval;
        At = at;
    }

    public TimeSpan Interval { get; }

    /// <summary>Wall-clock time of day the series is anchored at; null means 00:00.</summary>
    public TimeOnly? At { get; }

    /// <summary>The interval.</summary>
    public TimeSpan NominalPeriod => Interval;

    private TimeSpan TimeOfDay => (At ?? TimeOnly.MinValue).ToTimeSpan();

    private bool IsWholeDays => Interval.Ticks % TimeSpan.TicksPerDay == 0;

    /// <inheritdoc />
    /// <remarks>See the class remarks for the daylight saving time rules.</remarks>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        if (IsWholeDays)
        {
            return NextWholeDays(after, zone);
        }
        return Interval < TimeSpan.FromDays(1) ? NextWithinDay(after, zone) : NextElapsed(after, zone);
    }

    public string Describe()
    {
        var text = new StringBuilder("every ");
        var rest = Interval;
        foreach (var (unit, size) in new[] { ("w", TimeSpan.FromDays(7)), ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)) })
        {
            var count = rest.Ticks / size.Ticks;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= TimeSpan.FromTicks(count * size.Ticks);
            }
        }
        if (At is { } at)
        {
            text.Append(" at ").Append(at.ToString("HH:mm", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    public override string ToString() => Describe();

    private DateTimeOffset? NextWholeDays(DateTimeOffset after, TimeZoneInfo zone)
    {
        var days = Interval.Ticks / TimeSpan.TicksPerDay;
        var today = WallClock.ToWall(after, zone).Date;
        var sinceAnchor = (long)(today - AnchorDate).TotalDays;
        // Start one period early: today's slot may already have passed, or (at a fall-back change) not yet.
        var k = FloorDiv(sinceAnchor, days) - 1;
        for (var i = 0; i < 4; i++, k++)
        {
            var instant = WallClock.ToInstant(AnchorDate.AddDays(k * days) + TimeOfDay, zone);
            if (instant > after)
            {
                return instant;
            }
        }
        return null;
    }

    private DateTimeOffset? NextWithinDay(DateTimeOffset after, TimeZoneInfo zone)
    {
        // The series of the previous local day can run past midnight when At is later than 00:00.
        var day = WallClock.ToWall(after, zone).Date.AddDays(-1);
        for (var i = 0; i < 4; i++, day = day.AddDays(1))
        {
            var start = WallClock.ToInstant(day + TimeOfDay, zone);
            var end = WallClock.ToInstant(day.AddDays(1) + TimeOfDay, zone);
            if (after >= end)
            {
                continue;
            }
            var steps = after < start ? 0 : ((after - start).Ticks / Interval.Ticks) + 1;
            var next = start + TimeSpan.FromTicks(steps * Interval.Ticks);
            if (next < end)
            {
                return next;
            }
        }
        return null;
    }

    private DateTimeOffset? NextElapsed(DateTimeOffset after, TimeZoneInfo zone)
    {
        var anchor = WallClock.ToInstant(AnchorDate + TimeOfDay, zone);
        var steps = FloorDiv((after - anchor).Ticks, Interval.Ticks) + 1;
        return anchor + TimeSpan.FromTicks(steps * Interval.Ticks);
    }

    private static long FloorDiv(long a, long b) => (a / b) - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
}

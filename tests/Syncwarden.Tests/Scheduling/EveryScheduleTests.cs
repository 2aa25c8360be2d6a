using Syncwarden.Scheduling;
using static Syncwarden.Tests.Scheduling.Zones;

namespace Syncwarden.Tests.Scheduling;

public sealed class EveryScheduleTests
{
    private static List<DateTimeOffset> Occurrences(ISchedule schedule, DateTimeOffset from, int count, TimeZoneInfo zone)
    {
        var result = new List<DateTimeOffset>();
        for (var next = schedule.NextAfter(from, zone); next is { } n && result.Count < count; next = schedule.NextAfter(n, zone))
        {
            result.Add(n);
        }
        return result;
    }

    [Fact]
    public void Daily_at_a_time_runs_every_day_at_that_wall_time_across_both_changes()
    {
        var schedule = new EverySchedule(TimeSpan.FromDays(1), new TimeOnly(1, 0));

        Occurrences(schedule, At(2025, 3, 29, 12, 0, 1), 3, Amsterdam)
            .Should().Equal(At(2025, 3, 30, 1, 0, 1), At(2025, 3, 31, 1, 0, 2), At(2025, 4, 1, 1, 0, 2));
        Occurrences(schedule, At(2025, 10, 25, 12, 0, 2), 3, Amsterdam)
            .Should().Equal(At(2025, 10, 26, 1, 0, 2), At(2025, 10, 27, 1, 0, 1), At(2025, 10, 28, 1, 0, 1));
    }

    [Fact]
    public void Daily_in_the_gap_runs_after_the_gap_and_in_the_overlap_runs_once()
    {
        var schedule = new EverySchedule(TimeSpan.FromDays(1), new TimeOnly(2, 30));

        Occurrences(schedule, At(2025, 3, 9, 0, 0, -5), 2, NewYork).Should().Equal(At(2025, 3, 9, 3, 0, -4), At(2025, 3, 10, 2, 30, -4));
        Occurrences(new EverySchedule(TimeSpan.FromDays(1), new TimeOnly(1, 30)), At(2025, 11, 2, 0, 0, -4), 2, NewYork)
            .Should().Equal(At(2025, 11, 2, 1, 30, -4), At(2025, 11, 3, 1, 30, -5));
    }

    [Fact]
    public void Six_hourly_from_half_past_midnight()
    {
        var schedule = new EverySchedule(TimeSpan.FromHours(6), new TimeOnly(0, 30));

        Occurrences(schedule, At(2025, 6, 1, 0, 0, 2), 5, Amsterdam).Should().Equal(
            At(2025, 6, 1, 0, 30, 2), At(2025, 6, 1, 6, 30, 2), At(2025, 6, 1, 12, 30, 2), At(2025, 6, 1, 18, 30, 2), At(2025, 6, 2, 0, 30, 2));
    }

    [Fact]
    public void Sub_day_intervals_count_elapsed_time_within_the_day()
    {
        var hourly = new EverySchedule(TimeSpan.FromHours(1));

        // The 25-hour day: both passes of the repeated hour get a run.
        Occurrences(hourly, At(2025, 10, 26, 0, 30, 2), 4, Amsterdam)
            .Should().Equal(At(2025, 10, 26, 1, 0, 2), At(2025, 10, 26, 2, 0, 2), At(2025, 10, 26, 2, 0, 1), At(2025, 10, 26, 3, 0, 1));
        // The 23-hour day: 02:00 does not exist, one run fewer.
        Occurrences(hourly, At(2025, 3, 30, 0, 30, 1), 3, Amsterdam)
            .Should().Equal(At(2025, 3, 30, 1, 0, 1), At(2025, 3, 30, 3, 0, 2), At(2025, 3, 30, 4, 0, 2));
    }

    [Fact]
    public void An_interval_that_does_not_divide_the_day_restarts_at_the_anchor()
    {
        var schedule = new EverySchedule(TimeSpan.FromHours(7));

        Occurrences(schedule, Utc(2025, 1, 1, 20), 2, TimeZoneInfo.Utc).Should().Equal(Utc(2025, 1, 1, 21), Utc(2025, 1, 2, 0));
    }

    [Fact]
    public void Anchored_series_running_past_midnight_continues_until_the_next_anchor()
    {
        var schedule = new EverySchedule(TimeSpan.FromHours(8), new TimeOnly(18, 0));

        Occurrences(schedule, Utc(2025, 1, 1, 0, 30), 4, TimeZoneInfo.Utc)
            .Should().Equal(Utc(2025, 1, 1, 2), Utc(2025, 1, 1, 10), Utc(2025, 1, 1, 18), Utc(2025, 1, 2, 2));
    }

    [Fact]
    public void Sub_minute_intervals_are_supported()
    {
        var schedule = new EverySchedule(TimeSpan.FromSeconds(15));

        Occurrences(schedule, Utc(2025, 1, 1, 10, 0, 7), 3, Amsterdam).Should().Equal(Utc(2025, 1, 1, 10, 0, 15), Utc(2025, 1, 1, 10, 0, 30), Utc(2025, 1, 1, 10, 0, 45));
    }

    [Fact]
    public void Multi_day_series_counts_from_2000_01_01_and_is_stable_across_restarts()
    {
        // 2000-01-01 was a Saturday; a weekly series runs on Saturdays, every second day on even day counts.
        var weekly = new EverySchedule(TimeSpan.FromDays(7), new TimeOnly(4, 0));
        var first = weekly.NextAfter(Utc(2025, 1, 1), Amsterdam)!.Value;
        first.Should().Be(At(2025, 1, 4, 4, 0, 1));
        weekly.NextAfter(Utc(2025, 1, 2, 17, 3), Amsterdam).Should().Be(first);

        var everyOtherDay = new EverySchedule(TimeSpan.FromDays(2));
        everyOtherDay.NextAfter(Utc(2000, 1, 1, 0, 0, 1), TimeZoneInfo.Utc).Should().Be(Utc(2000, 1, 3));
        everyOtherDay.NextAfter(Utc(1999, 12, 31), TimeZoneInfo.Utc).Should().Be(Utc(2000, 1, 1));
    }

    [Fact]
    public void Intervals_of_more_than_a_day_that_are_not_whole_days_count_elapsed_time_from_the_anchor()
    {
        var schedule = new EverySchedule(TimeSpan.FromHours(36));

        schedule.NextAfter(Utc(2000, 1, 1), TimeZoneInfo.Utc).Should().Be(Utc(2000, 1, 2, 12));
        schedule.NextAfter(Utc(2000, 1, 2, 12), TimeZoneInfo.Utc).Should().Be(Utc(2000, 1, 4));
    }

    [Theory]
    [InlineData(0, 1, 0, 0, 0, "01:00", "every 1d at 01:00")]
    [InlineData(1, 2, 3, 4, 5, null, "every 1w2d3h4m5s")]
    [InlineData(0, 0, 0, 90, 0, null, "every 1h30m")]
    public void Describe_and_nominal_period(int weeks, int days, int hours, int minutes, int seconds, string? at, string expected)
    {
        var interval = new TimeSpan(weeks * 7 + days, hours, minutes, seconds);
        var schedule = new EverySchedule(interval, at is null ? null : TimeOnly.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        schedule.Describe().Should().Be(expected);
        schedule.NominalPeriod.Should().Be(interval);
    }

    [Fact]
    public void A_zero_interval_is_rejected()
    {
        var act = () => new EverySchedule(TimeSpan.Zero);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}

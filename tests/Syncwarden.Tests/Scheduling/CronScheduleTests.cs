using System.Diagnostics;
using Syncwarden.Scheduling;
using static Syncwarden.Tests.Scheduling.Zones;

namespace Syncwarden.Tests.Scheduling;

public sealed class CronScheduleTests
{
    // 2025-01-01 is a Wednesday.
    [Theory]
    [InlineData("* * * * *", "2025-01-01T10:00:00", "2025-01-01T10:01:00")]
    [InlineData("* * * * *", "2025-01-01T10:00:30", "2025-01-01T10:01:00")]
    [InlineData("*/5 * * * *", "2025-01-01T10:03:00", "2025-01-01T10:05:00")]
    [InlineData("*/5 * * * *", "2025-01-01T23:58:00", "2025-01-02T00:00:00")]
    [InlineData("1-30/7 * * * *", "2025-01-01T10:23:00", "2025-01-01T10:29:00")]
    [InlineData("1-30/7 * * * *", "2025-01-01T10:29:00", "2025-01-01T11:01:00")]
    [InlineData("5/15 * * * *", "2025-01-01T10:50:00", "2025-01-01T11:05:00")]
    [InlineData("0 1 * * *", "2025-01-01T01:00:00", "2025-01-02T01:00:00")]
    [InlineData("30 1 * * *", "2025-01-01T00:00:00", "2025-01-01T01:30:00")]
    [InlineData("0 9 * * MON-FRI", "2025-01-03T09:00:00", "2025-01-06T09:00:00")]
    [InlineData("0 0 * * 7", "2025-01-01T00:00:00", "2025-01-05T00:00:00")]
    [InlineData("0 0 * * 0", "2025-01-01T00:00:00", "2025-01-05T00:00:00")]
    [InlineData("0 0 * * sun", "2025-01-01T00:00:00", "2025-01-05T00:00:00")]
    [InlineData("0 0 1 * *", "2025-01-01T00:00:00", "2025-02-01T00:00:00")]
    [InlineData("0 0 31 * *", "2025-01-31T00:00:00", "2025-03-31T00:00:00")]
    [InlineData("0 0 29 2 *", "2025-01-01T00:00:00", "2028-02-29T00:00:00")]
    [InlineData("0 0 29 2 *", "2096-03-01T00:00:00", "2104-02-29T00:00:00")]
    [InlineData("0 12 * FEB,aug *", "2025-03-01T00:00:00", "2025-08-01T12:00:00")]
    [InlineData("59 23 31 12 *", "2025-01-01T00:00:00", "2025-12-31T23:59:00")]
    [InlineData("@hourly", "2025-01-01T10:00:00", "2025-01-01T11:00:00")]
    [InlineData("@daily", "2025-01-01T10:00:00", "2025-01-02T00:00:00")]
    [InlineData("@weekly", "2025-01-01T10:00:00", "2025-01-05T00:00:00")]
    [InlineData("@monthly", "2025-01-01T00:00:00", "2025-02-01T00:00:00")]
    [InlineData("@yearly", "2025-01-01T00:00:00", "2026-01-01T00:00:00")]
    // Both day fields restricted: either matches (the 13th, or any Friday). 2025-01-03 is a Friday.
    [InlineData("0 0 13 * 5", "2025-01-01T00:00:00", "2025-01-03T00:00:00")]
    [InlineData("0 0 13 * 5", "2025-01-10T00:00:00", "2025-01-13T00:00:00")]
    // Day-of-week starting with *: both must match (*/7 is Sunday only, so a Sunday the 13th).
    [InlineData("0 0 13 * */7", "2025-01-01T00:00:00", "2025-04-13T00:00:00")]
    [InlineData("0 0 13 * 5", "2025-01-13T00:00:00", "2025-01-17T00:00:00")]
    // Day-of-month starting with *: a Friday that is the 1st, 14th or 27th.
    [InlineData("0 0 */13 * FRI", "2025-01-01T00:00:00", "2025-02-14T00:00:00")]
    // A step past the end of the field leaves only its first value (Cronos would reject the text as written).
    [InlineData("0 */24 * * *", "2025-01-01T10:00:00", "2025-01-02T00:00:00")]
    [InlineData("0 12 * * 3/20", "2025-01-01T12:00:00", "2025-01-08T12:00:00")]
    public void Next_occurrence_in_utc(string text, string after, string expected)
    {
        var schedule = CronSchedule.Parse(text);
        var start = DateTimeOffset.Parse(after + "Z", System.Globalization.CultureInfo.InvariantCulture);

        var next = schedule.NextAfter(start, TimeZoneInfo.Utc);

        next.Should().Be(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_zone_shifts_the_wall_clock()
    {
        var schedule = CronSchedule.Parse("0 1 * * *");

        var next = schedule.NextAfter(Utc(2025, 1, 1, 12), Amsterdam);

        next.Should().Be(At(2025, 1, 2, 1, 0, 1));
    }

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4,6,9,11 *")]
    [InlineData("0 0 31 2 *")]
    public void Impossible_expressions_return_null_quickly(string text)
    {
        var schedule = CronSchedule.Parse(text);
        var watch = Stopwatch.StartNew();

        var next = schedule.NextAfter(Utc(2025, 1, 1), Amsterdam);

        next.Should().BeNull();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        schedule.NominalPeriod.Should().Be(TimeSpan.MaxValue);
    }

    [Fact]
    public void Rare_but_possible_days_are_found_without_scanning_minutes()
    {
        // February 29th that is a Sunday (both required: day-of-week starts with *): 2032, then 2060.
        var schedule = CronSchedule.Parse("0 0 29 2 */7");
        var watch = Stopwatch.StartNew();

        var next = schedule.NextAfter(Utc(2033, 1, 1), TimeZoneInfo.Utc);

        next.Should().Be(Utc(2060, 2, 29));
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("*/5 * * * *", 5 * 60)]
    [InlineData("0 * * * *", 3600)]
    [InlineData("0 1 * * *", 86400)]
    [InlineData("0 9 * * MON-FRI", 3 * 86400)]
    [InlineData("@weekly", 7 * 86400)]
    public void Nominal_period_is_the_longest_early_gap(string text, int seconds)
    {
        CronSchedule.Parse(text).NominalPeriod.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Macros_behave_like_their_expansion()
    {
        var start = Utc(2025, 3, 17, 5, 17);
        foreach (var (macro, expansion) in new[] { ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"), ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *") })
        {
            CronSchedule.Parse(macro).NextAfter(start, Amsterdam).Should().Be(CronSchedule.Parse(expansion).NextAfter(start, Amsterdam), macro);
        }
    }
}

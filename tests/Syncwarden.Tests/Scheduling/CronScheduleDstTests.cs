using Syncwarden.Scheduling;
using static Syncwarden.Tests.Scheduling.Zones;

namespace Syncwarden.Tests.Scheduling;

/// <summary>
/// 2025 changes: Amsterdam 30 March 02:00 CET -> 03:00 CEST and 26 October 03:00 CEST -> 02:00 CET;
/// New York 9 March 02:00 EST -> 03:00 EDT and 2 November 02:00 EDT -> 01:00 EST.
/// </summary>
public sealed class CronScheduleDstTests
{
    private static List<DateTimeOffset> Occurrences(ISchedule schedule, DateTimeOffset from, DateTimeOffset until, TimeZoneInfo zone)
    {
        var result = new List<DateTimeOffset>();
        for (var next = schedule.NextAfter(from, zone); next is { } n && n < until; next = schedule.NextAfter(n, zone))
        {
            result.Add(n);
        }
        return result;
    }

    [Fact]
    public void Daily_job_in_the_missing_hour_runs_at_the_end_of_the_gap_in_Amsterdam()
    {
        var runs = Occurrences(CronSchedule.Parse("30 2 * * *"), At(2025, 3, 29, 0, 0, 1), At(2025, 4, 1, 0, 0, 2), Amsterdam);

        runs.Should().Equal(At(2025, 3, 29, 2, 30, 1), At(2025, 3, 30, 3, 0, 2), At(2025, 3, 31, 2, 30, 2));
    }

    [Fact]
    public void Daily_job_in_the_missing_hour_runs_at_the_end_of_the_gap_in_New_York()
    {
        var runs = Occurrences(CronSchedule.Parse("15 2 * * *"), At(2025, 3, 8, 0, 0, -5), At(2025, 3, 11, 0, 0, -4), NewYork);

        runs.Should().Equal(At(2025, 3, 8, 2, 15, -5), At(2025, 3, 9, 3, 0, -4), At(2025, 3, 10, 2, 15, -4));
    }

    [Fact]
    public void Several_times_in_the_gap_collapse_into_one_run()
    {
        var runs = Occurrences(CronSchedule.Parse("*/15 * * * *"), At(2025, 3, 30, 1, 30, 1), At(2025, 3, 30, 3, 31, 2), Amsterdam);

        runs.Should().Equal(At(2025, 3, 30, 1, 45, 1), At(2025, 3, 30, 3, 0, 2), At(2025, 3, 30, 3, 15, 2), At(2025, 3, 30, 3, 30, 2));
    }

    [Fact]
    public void Daily_job_in_the_repeated_hour_runs_once_at_the_first_occurrence_in_Amsterdam()
    {
        var runs = Occurrences(CronSchedule.Parse("30 2 * * *"), At(2025, 10, 25, 0, 0, 2), At(2025, 10, 28, 0, 0, 1), Amsterdam);

        runs.Should().Equal(At(2025, 10, 25, 2, 30, 2), At(2025, 10, 26, 2, 30, 2), At(2025, 10, 27, 2, 30, 1));
    }

    [Fact]
    public void Daily_job_in_the_repeated_hour_runs_once_at_the_first_occurrence_in_New_York()
    {
        var runs = Occurrences(CronSchedule.Parse("30 1 * * *"), At(2025, 11, 1, 0, 0, -4), At(2025, 11, 4, 0, 0, -5), NewYork);

        runs.Should().Equal(At(2025, 11, 1, 1, 30, -4), At(2025, 11, 2, 1, 30, -4), At(2025, 11, 3, 1, 30, -5));
    }

    [Fact]
    public void Frequent_job_pauses_during_the_second_pass_of_the_repeated_hour()
    {
        var runs = Occurrences(CronSchedule.Parse("*/30 * * * *"), At(2025, 11, 2, 0, 15, -4), At(2025, 11, 2, 2, 31, -5), NewYork);

        runs.Should().Equal(At(2025, 11, 2, 0, 30, -4), At(2025, 11, 2, 1, 0, -4), At(2025, 11, 2, 1, 30, -4), At(2025, 11, 2, 2, 0, -5), At(2025, 11, 2, 2, 30, -5));
    }

    [Fact]
    public void Asking_during_the_second_pass_of_a_frequent_job_waits_for_the_end_of_the_repeated_hour()
    {
        // 01:35 EST is in the second pass; Cronos alone would answer 01:40 EST.
        var next = CronSchedule.Parse("*/10 * * * *").NextAfter(At(2025, 11, 2, 1, 35, -5), NewYork);

        next.Should().Be(At(2025, 11, 2, 2, 0, -5));
    }

    [Fact]
    public void Asking_during_the_second_pass_does_not_rerun_the_repeated_time()
    {
        // 01:40 EST is the second 01:40 of the night; 01:45 already ran at 01:45 EDT.
        var next = CronSchedule.Parse("45 1 * * *").NextAfter(At(2025, 11, 2, 1, 40, -5), NewYork);

        next.Should().Be(At(2025, 11, 3, 1, 45, -5));
    }

    [Fact]
    public void Half_hour_changes_in_Lord_Howe_follow_the_same_rules()
    {
        // 2025-04-06 02:00 +11 -> 01:30 +10:30 (repeated 01:30-02:00); 2025-10-05 02:00 +10:30 -> 02:30 +11 (gap).
        var schedule = CronSchedule.Parse("45 1,2 * * *");

        Occurrences(schedule, At(2025, 4, 6, 0, 0, 11), At(2025, 4, 6, 3, 0, 10.5), LordHowe)
            .Should().Equal(At(2025, 4, 6, 1, 45, 11), At(2025, 4, 6, 2, 45, 10.5));
        Occurrences(CronSchedule.Parse("15 2 * * *"), At(2025, 10, 5, 0, 0, 10.5), At(2025, 10, 5, 4, 0, 11), LordHowe)
            .Should().Equal(At(2025, 10, 5, 2, 30, 11));
    }
}

using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Scheduling;
using Syncwarden.Status;

namespace Syncwarden.Tests.Status;

public sealed class JobConditionsTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static JobConfig Job(ISchedule? schedule, TimeSpan? staleAfter = null) =>
        new() { Name = "j", Schedule = schedule, StaleAfter = staleAfter };

    private static RunRecord Run(RunResult result, DateTimeOffset ended) =>
        new() { Id = 1, Job = "j", StartedAt = ended.AddMinutes(-5), EndedAt = ended, Result = result };

    [Fact]
    public void A_cron_job_is_stale_after_twice_the_gap_between_its_next_two_due_times()
    {
        // "at 01:00 on weekdays": seen on Tuesday noon, the next two due times are a day apart.
        var job = Job(CronSchedule.Parse("0 1 * * 1-5"));

        JobConditions.StaleAfter(job, s_now, TimeZoneInfo.Utc).Should().Be(TimeSpan.FromDays(2));
    }

    [Fact]
    public void Stale_after_from_the_configuration_wins_and_on_demand_jobs_are_never_stale()
    {
        JobConditions.StaleAfter(Job(CronSchedule.Parse("0 1 * * *"), TimeSpan.FromHours(3)), s_now, TimeZoneInfo.Utc).Should().Be(TimeSpan.FromHours(3));
        JobConditions.StaleAfter(Job(null), s_now, TimeZoneInfo.Utc).Should().BeNull();
        JobConditions.IsStale(null, null, Run(RunResult.Failed, s_now.AddDays(-30)), s_now).Should().BeFalse();
    }

    [Fact]
    public void Staleness_follows_the_age_of_the_last_success()
    {
        var limit = TimeSpan.FromDays(2);
        var fresh = Run(RunResult.Succeeded, s_now.AddDays(-1));
        var old = Run(RunResult.Succeeded, s_now.AddDays(-3));

        JobConditions.IsStale(limit, fresh, fresh, s_now).Should().BeFalse();
        JobConditions.IsStale(limit, old, old, s_now).Should().BeTrue();
        JobConditions.IsStale(limit, null, Run(RunResult.Failed, s_now), s_now).Should().BeTrue("it ran but never succeeded");
        JobConditions.IsStale(limit, null, null, s_now).Should().BeFalse("it never ran");
    }

    [Fact]
    public void Conditions_say_why_with_the_time_of_the_change()
    {
        // Arrange
        var success = Run(RunResult.Succeeded, s_now.AddDays(-3));
        var failure = Run(RunResult.Failed, s_now.AddHours(-1)) with { Error = "rsync exit 23" };

        // Act
        var conditions = JobConditions.For(Syncwarden.Status.JobState.Idle, null, failure, failure, success, TimeSpan.FromDays(2), stale: true, s_now);

        // Assert
        conditions.Select(c => (c.Type, c.Status, c.Reason)).Should().Equal(
            ("Synchronizing", "False", "Idle"), ("Stale", "True", "LastSyncTooOld"), ("Failed", "True", "RunFailed"));
        conditions[1].LastTransitionTime.Should().Be(success.EndedAt!.Value.AddDays(2));
        conditions[1].Message.Should().Be("last successful sync 3d ago, more than 2d");
        conditions[2].Message.Should().Be("rsync exit 23");
    }
}

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
    public void Stale_after_from_the_configuration_wins_over_the_schedule()
    {
        var since = s_now.AddDays(-1);

        Staleness.StaleAt(Job(CronSchedule.Parse("0 1 * * *"), TimeSpan.FromHours(3)), since, TimeZoneInfo.Utc).Should().Be(since.AddHours(3));
        Staleness.StaleAt(Job(null, TimeSpan.FromHours(3)), since, TimeZoneInfo.Utc).Should().Be(since.AddHours(3), "stale-after also watches an on-demand job");
        Staleness.StaleAt(Job(null), since, TimeZoneInfo.Utc).Should().BeNull("an on-demand job without stale-after is never stale");
    }

    [Fact]
    public void A_job_that_never_succeeded_gets_the_same_grace_from_its_first_run()
    {
        var failure = Run(RunResult.Failed, s_now.AddHours(-1));

        var conditions = JobConditions.For(Syncwarden.Status.JobState.Idle, null, failure, failure, null, s_now.AddHours(-2), stale: true, s_now);

        conditions[1].Reason.Should().Be("NeverSynchronized");
        conditions[1].LastTransitionTime.Should().Be(s_now.AddHours(-2));
    }

    [Fact]
    public void Conditions_say_why_with_the_time_of_the_change()
    {
        // Arrange
        var success = Run(RunResult.Succeeded, s_now.AddDays(-3));
        var failure = Run(RunResult.Failed, s_now.AddHours(-1)) with { Error = "rsync exit 23" };

        // Act
        var conditions = JobConditions.For(Syncwarden.Status.JobState.Idle, null, failure, failure, success, success.EndedAt!.Value.AddDays(2), stale: true, s_now);

        // Assert
        conditions.Select(c => (c.Type, c.Status, c.Reason)).Should().Equal(
            ("Synchronizing", "False", "Idle"), ("Stale", "True", "LastSyncTooOld"), ("Failed", "True", "RunFailed"));
        conditions[1].LastTransitionTime.Should().Be(success.EndedAt!.Value.AddDays(2));
        conditions[1].Message.Should().StartWith("last successful sync 3d ago; stale since ");
        conditions[2].Message.Should().Be("rsync exit 23");
    }
}

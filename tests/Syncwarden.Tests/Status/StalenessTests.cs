using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Status;
using Syncwarden.Tests.Configuration;

namespace Syncwarden.Tests.Status;

public sealed class StalenessTests
{
    private static JobConfig Job(string scheduleYaml)
    {
        var result = ConfigLoader.Parse($"jobs:\n  j:\n    {scheduleYaml}\n    syncs: [{{ source: /a, destination: /b }}]\n", ConfigErrors.File);
        result.Errors.Should().BeEmpty();
        return result.Config!.Jobs.Single();
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-03-02T11:59:00Z", false)]
    [InlineData("2026-03-02T12:00:00Z", false)]
    [InlineData("2026-03-02T12:00:01Z", true)]
    public void Hourly_job_is_stale_once_two_due_times_passed_since_its_last_success(string now, bool stale)
    {
        // Arrange
        var job = Job("every: { hours: 1 }");

        // Act
        var result = Staleness.IsStale(job, At("2026-03-02T10:05:00Z"), At(now), TimeZoneInfo.Utc);

        // Assert
        result.Should().Be(stale);
    }

    [Fact]
    public void Weekday_cron_job_that_succeeded_on_friday_is_not_stale_over_the_weekend()
    {
        // Arrange: 2026-03-06 is a Friday.
        var job = Job("schedule: \"0 1 * * MON-FRI\"");

        // Act
        var staleAt = Staleness.StaleAt(job, At("2026-03-06T01:10:00Z"), TimeZoneInfo.Utc);

        // Assert: due Monday and Tuesday at 01:00; stale only after Tuesday's due time passed without a success.
        staleAt.Should().Be(At("2026-03-10T01:00:00Z"));
        Staleness.IsStale(job, At("2026-03-06T01:10:00Z"), At("2026-03-08T23:00:00Z"), TimeZoneInfo.Utc).Should().BeFalse();
    }

    [Fact]
    public void Job_run_on_demand_or_never_run_is_never_stale()
    {
        // Arrange
        var onDemand = Job("catch-up: false");
        var hourly = Job("every: { hours: 1 }");

        // Act, Assert
        Staleness.IsStale(onDemand, At("2020-01-01T00:00:00Z"), At("2026-03-02T12:00:00Z"), TimeZoneInfo.Utc).Should().BeFalse();
        Staleness.IsStale(hourly, null, At("2026-03-02T12:00:00Z"), TimeZoneInfo.Utc).Should().BeFalse();
    }
}

using Syncwarden.Configuration;
using Syncwarden.Scheduling;
using Syncwarden.Tests.Configuration;

namespace Syncwarden.Tests.Scheduling;

public sealed class ScheduleConfigTests
{
    private static SyncwardenConfig Valid(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);
        result.Errors.Should().BeEmpty();
        return result.Config!;
    }

    [Fact]
    public void Schedule_every_catch_up_and_daemon_bind()
    {
        var config = Valid("""
            daemon:
              max-concurrent-jobs: 3
              time-zone: Europe/Amsterdam
              shutdown-grace: 1m
            jobs:
              nightly:
                schedule: "30 1 * * MON-FRI"
                catch-up: false
                syncs: [{ source: /a, destination: /b }]
              six-hourly:
                every: { hours: 6, at: "00:30" }
                syncs: [{ source: /a, destination: /c }]
              manual:
                syncs: [{ source: /a, destination: /d }]
            """);

        config.Daemon.Should().Be(new DaemonSettings { MaxConcurrentJobs = 3, TimeZone = "Europe/Amsterdam", ShutdownGrace = TimeSpan.FromMinutes(1) });
        config.Daemon.ResolveTimeZone().Id.Should().Be("Europe/Amsterdam");
        var nightly = config.FindJob("nightly")!;
        nightly.Schedule.Should().BeOfType<CronSchedule>().Which.Describe().Should().Be("30 1 * * MON-FRI");
        nightly.CatchUp.Should().BeFalse();
        var sixHourly = config.FindJob("six-hourly")!;
        sixHourly.Schedule.Should().BeOfType<EverySchedule>().Which.Describe().Should().Be("every 6h at 00:30");
        sixHourly.CatchUp.Should().BeTrue();
        config.FindJob("manual")!.Schedule.Should().BeNull();
    }

    [Fact]
    public void Every_units_add_up()
    {
        var config = Valid("""
            jobs:
              j:
                every: { weeks: 1, days: 1, hours: 1, minutes: 1, seconds: 1 }
                syncs: [{ source: /a, destination: /b }]
            """);

        config.Jobs[0].Schedule!.NominalPeriod.Should().Be(new TimeSpan(8, 1, 1, 1));
    }

    [Fact]
    public void Defaults_when_daemon_is_absent()
    {
        Valid("jobs: {}").Daemon.Should().Be(new DaemonSettings());
    }

    [Theory]
    [InlineData("schedule: \"0 25 * * *\"", 4, 15, "jobs.j.schedule", "hour field \"25\": value 25 is out of range")]
    [InlineData("schedule: \"0 1 * *\"", 4, 15, "jobs.j.schedule", "expected 5 fields")]
    [InlineData("schedule: \"\"", 4, 15, "jobs.j.schedule", "must not be empty")]
    [InlineData("schedule: \"@daily\"\n    every: { days: 1 }", 5, 12, "jobs.j.every", "either schedule: or every:, not both")]
    [InlineData("every: {}", 4, 12, "jobs.j.every", "at least one of weeks, days, hours, minutes, seconds")]
    [InlineData("every: { days: 0 }", 4, 12, "jobs.j.every", "at least one of weeks")]
    [InlineData("every: { days: -1 }", 4, 20, "jobs.j.every.days", "expected a whole number of days")]
    [InlineData("every: { fortnights: 1 }", 4, 14, "jobs.j.every.fortnights", "unknown key 'fortnights'")]
    [InlineData("every: { days: 1, at: \"25:00\" }", 4, 27, "jobs.j.every.at", "expected a time of day as HH:MM")]
    [InlineData("every: 6h", 4, 12, "jobs.j.every", "expected a mapping")]
    [InlineData("catch-up: maybe", 4, 15, "jobs.j.catch-up", "expected true or false")]
    public void Job_schedule_errors(string line, int errorLine, int column, string key, string message)
    {
        var error = ConfigErrors.Single($"""
            jobs:
              j:
                syncs: [{"{"} source: /a, destination: /b {"}"}]
                {line}
            """);

        error.Message.Should().Contain(message);
        error.ShouldBeAt(errorLine, column, key);
    }

    [Theory]
    [InlineData("max-concurrent-jobs: 0", 2, 24, "daemon.max-concurrent-jobs", "expected a whole number of jobs at least 1, got 0")]
    [InlineData("time-zone: Europe/Amsterdan", 2, 14, "daemon.time-zone", "unknown time zone 'Europe/Amsterdan'")]
    [InlineData("shutdown-grace: soon", 2, 19, "daemon.shutdown-grace", "expected a duration")]
    [InlineData("max-jobs: 2", 2, 3, "daemon.max-jobs", "unknown key 'max-jobs'")]
    public void Daemon_errors(string line, int errorLine, int column, string key, string message)
    {
        var error = ConfigErrors.Single($"""
            daemon:
              {line}
            """);

        error.Message.Should().Contain(message);
        error.ShouldBeAt(errorLine, column, key);
    }

    [Fact]
    public void A_misspelt_zone_gets_a_suggestion()
    {
        ConfigErrors.Single("daemon: { time-zone: Europe/Amsterdan }").Hint.Should().Be("did you mean 'Europe/Amsterdam'?");
    }

    [Fact]
    public void Iana_zones_resolve_under_invariant_globalization()
    {
        AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant).Should().BeTrue();
        invariant.Should().BeTrue();
        TimeZoneInfo.FindSystemTimeZoneById("America/New_York").GetUtcOffset(new DateTime(2025, 7, 1)).Should().Be(TimeSpan.FromHours(-4));
    }
}

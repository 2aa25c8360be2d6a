using Syncwarden.Processes;
using Syncwarden.Configuration;
using Syncwarden.Power;

namespace Syncwarden.Tests.Power;

public sealed class PowerManagerTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("syncwarden-power-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PowerSettings Settings => new()
    {
        SleepAfterRun = true,
        Mode = SleepMode.Mem,
        WakeMargin = TimeSpan.FromMinutes(5),
        RtcwakePath = "/usr/sbin/rtcwake",
        StayAwakeFile = Path.Combine(_dir, "stay-awake"),
    };

    private static PowerManager Manager(PowerSettings settings, params UserSession[] sessions) => new(settings, new FakeSessions(sessions), new ProcessRunner());

    [Fact]
    public async Task Sleeps_until_next_run_minus_margin_with_rtcwake_argv()
    {
        var next = s_now.AddHours(23);

        var decision = await Manager(Settings).DecideAsync(s_now, next, jobsRunning: false);

        var sleep = decision.Should().BeOfType<Sleep>().Subject;
        sleep.WakeAt.Should().Be(next.AddMinutes(-5));
        sleep.Command.FileName.Should().Be("/usr/sbin/rtcwake");
        sleep.Command.Arguments.Should().Equal("-m", "mem", "-t", next.AddMinutes(-5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        sleep.Describe().Should().Contain("sleeping (mem) until 2026-03-02 00:55:00 +00:00");
    }

    [Theory]
    [InlineData(SleepMode.Disk, "disk")]
    [InlineData(SleepMode.Off, "off")]
    public async Task Mode_is_passed_to_rtcwake(SleepMode mode, string word)
    {
        var decision = await Manager(Settings with { Mode = mode }).DecideAsync(s_now, s_now.AddHours(1), jobsRunning: false);

        decision.Should().BeOfType<Sleep>().Which.Command.Arguments.Take(2).Should().Equal("-m", word);
    }

    [Fact]
    public async Task Disabled_sleep_stays_awake()
    {
        var decision = await Manager(Settings with { SleepAfterRun = false }).DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);

        decision.Should().Be(new StayAwake(StayAwakeReason.SleepDisabled, "power.sleep-after-run is off"));
    }

    [Fact]
    public async Task Running_job_stays_awake()
    {
        var decision = await Manager(Settings).DecideAsync(s_now, s_now.AddHours(5), jobsRunning: true);

        decision.Should().BeOfType<StayAwake>().Which.Reason.Should().Be(StayAwakeReason.JobRunning);
    }

    [Fact]
    public async Task Stay_awake_file_stays_awake_and_is_named()
    {
        await File.WriteAllTextAsync(Settings.StayAwakeFile, "");

        var decision = await Manager(Settings).DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);

        var awake = decision.Should().BeOfType<StayAwake>().Subject;
        awake.Reason.Should().Be(StayAwakeReason.StayAwakeFile);
        awake.Describe().Should().Contain(Settings.StayAwakeFile);
    }

    [Fact]
    public async Task No_next_run_stays_awake()
    {
        var decision = await Manager(Settings).DecideAsync(s_now, nextRun: null, jobsRunning: false);

        decision.Should().BeOfType<StayAwake>().Which.Reason.Should().Be(StayAwakeReason.NoNextRun);
    }

    [Theory]
    [InlineData(0)]      // due now
    [InlineData(300)]    // exactly the margin
    [InlineData(359)]    // margin + less than the minimum sleep
    [InlineData(-60)]    // overdue
    public async Task Next_run_within_margin_stays_awake(int secondsAhead)
    {
        var decision = await Manager(Settings).DecideAsync(s_now, s_now.AddSeconds(secondsAhead), jobsRunning: false);

        var awake = decision.Should().BeOfType<StayAwake>().Subject;
        awake.Reason.Should().Be(StayAwakeReason.NextRunTooSoon);
        awake.Message.Should().Contain("wake margin (5m)");
    }

    [Fact]
    public async Task Next_run_just_past_margin_plus_minimum_sleeps()
    {
        var decision = await Manager(Settings).DecideAsync(s_now, s_now.AddSeconds(360), jobsRunning: false);

        decision.Should().BeOfType<Sleep>().Which.WakeAt.Should().Be(s_now.AddMinutes(1));
    }

    [Fact]
    public async Task Open_session_stays_awake_and_names_it()
    {
        var session = new UserSession("alice", "pts/0", "192.0.2.7", 4711, s_now.AddHours(-1));

        var decision = await Manager(Settings, session).DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);

        var awake = decision.Should().BeOfType<StayAwake>().Subject;
        awake.Reason.Should().Be(StayAwakeReason.UserSession);
        awake.Message.Should().Be("a user is logged in: alice on pts/0 from 192.0.2.7 (pid 4711, since 2026-03-01 01:00:00Z)");
    }

    [Fact]
    public async Task Sessions_are_not_read_when_an_earlier_reason_applies()
    {
        var sessions = new FakeSessions([]);
        var manager = new PowerManager(Settings, sessions, new ProcessRunner());

        await manager.DecideAsync(s_now, s_now.AddHours(5), jobsRunning: true);

        sessions.Calls.Should().Be(0);
    }

    [Fact]
    public async Task Stay_awake_decision_does_not_run_rtcwake()
    {
        // Arrange: an "rtcwake" that leaves a mark each time it runs.
        var rtcwake = Path.Combine(_dir, "rtcwake");
        var ran = Path.Combine(_dir, "rtcwake.ran");
        await File.WriteAllTextAsync(rtcwake, $"#!/bin/sh\necho \"$*\" >> '{ran}'\n");
        File.SetUnixFileMode(rtcwake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var manager = new PowerManager(Settings with { RtcwakePath = rtcwake }, new FakeSessions([]), new ProcessRunner());
        var sleep = await manager.DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);

        // Act
        await manager.SleepAsync(new StayAwake(StayAwakeReason.JobRunning, "a job is running"));
        var ranWhenAwake = File.Exists(ran);
        await manager.SleepAsync(sleep);

        // Assert
        ranWhenAwake.Should().BeFalse("a stay-awake decision starts no process");
        File.ReadAllLines(ran).Should().ContainSingle("the same manager does run it for a sleep decision")
            .Which.Should().StartWith("-m mem -t ");
    }

    [Fact]
    public async Task Missing_rtcwake_fails_with_the_setting_to_fix()
    {
        var manager = new PowerManager(Settings with { RtcwakePath = Path.Combine(_dir, "no-rtcwake") }, new FakeSessions([]), new ProcessRunner());
        var decision = await manager.DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);

        var act = () => manager.SleepAsync(decision);

        var ex = (await act.Should().ThrowAsync<SleepFailedException>()).Which;
        ex.Message.Should().Contain("power.rtcwake-path");
        ex.ExitCode.Should().BeNull();
    }

    private sealed class FakeSessions(IReadOnlyList<UserSession> sessions) : IUserSessionSource
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<UserSession>> GetSessionsAsync(CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(sessions);
        }
    }
}

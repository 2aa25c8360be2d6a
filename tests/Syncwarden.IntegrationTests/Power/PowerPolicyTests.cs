using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Power;
using Syncwarden.Processes;
using Syncwarden.Runs;

namespace Syncwarden.IntegrationTests.Power;

/// <summary>
/// The deep-sleep policy as a watcher of the scheduler's events, on a fake clock, with a recording
/// rtcwake script and an empty utmp (nobody logged in). Runs in any process are seen through their
/// job run locks, never through leftover files.
/// </summary>
public sealed class PowerPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    private sealed class Bed : IDisposable
    {
        private readonly TempDir _dir = new("power-policy");

        public Bed()
        {
            File.WriteAllText(Rtcwake, $"#!/bin/sh\nprintf '%s ' \"$@\" >> '{Calls}'\necho >> '{Calls}'\n");
            File.SetUnixFileMode(Rtcwake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var source = _dir.CreateSubdirectory("src");
            File.WriteAllText(Path.Combine(source, "a"), "a");
            Config = new SyncwardenConfig
            {
                SourceFile = _dir.Combine("syncwarden.yaml"),
                StateDir = _dir.CreateSubdirectory("state"),
                Power = new PowerSettings { SleepAfterRun = true, Mode = SleepMode.Mem, WakeMargin = TimeSpan.FromMinutes(10), RtcwakePath = Rtcwake, StayAwakeFile = _dir.Combine("stay-awake") },
                Jobs = [new JobConfig { Name = "nightly", Direction = Direction.Local, Syncs = [new SyncPair { Source = source, Destination = _dir.Combine("dst") }] }],
            };
            Policy = new PowerPolicy(new LiveConfiguration(Config, () => new ConfigLoadResult(Config, [])), new UtmpSessionSource(_dir.Combine("utmp")),
                ProcessRunner.Default, new FakeTimeProvider(s_now), new PowerState(), NullLogger<PowerPolicy>.Instance);
        }

        public SyncwardenConfig Config { get; }
        public PowerPolicy Policy { get; }
        public string Rtcwake => _dir.Combine("rtcwake");
        public string Calls => _dir.Combine("rtcwake.calls");
        public TempDir Dir => _dir;

        public string[] RtcwakeCalls() => File.Exists(Calls) ? [.. File.ReadAllLines(Calls).Select(l => l.Trim())] : [];

        public Task IdleAsync(DateTimeOffset next) => Policy.HandleAsync(new DaemonWaiting(s_now, next, Idle: true), CancellationToken.None).AsTask();

        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public async Task Idle_sleeps_once_until_the_next_run_minus_the_margin_and_a_finished_run_rearms_it()
    {
        // Arrange
        using var bed = new Bed();
        var next = s_now.AddHours(5);

        // Act
        await bed.IdleAsync(next);
        var afterFirst = bed.RtcwakeCalls();
        await bed.IdleAsync(next);
        var afterSecond = bed.RtcwakeCalls();
        await bed.Policy.HandleAsync(new RunFinished(s_now, new RunRecord { Job = "nightly", StartedAt = s_now, Result = RunResult.Succeeded }), CancellationToken.None);
        await bed.IdleAsync(next);

        // Assert
        var expected = $"-m mem -t {next.AddMinutes(-10).ToUnixTimeSeconds()}";
        afterFirst.Should().Equal(expected);
        afterSecond.Should().Equal([expected], "after waking up the host stays up until the next run has finished");
        bed.RtcwakeCalls().Should().Equal(expected, expected);
    }

    [Fact]
    public async Task Not_idle_announcements_never_sleep()
    {
        using var bed = new Bed();

        await bed.Policy.HandleAsync(new DaemonWaiting(s_now, s_now.AddHours(5), Idle: false), CancellationToken.None);

        bed.RtcwakeCalls().Should().BeEmpty();
    }

    [Fact]
    public async Task A_run_in_another_process_keeps_the_host_awake_and_a_killed_one_does_not()
    {
        // Arrange: a `syncwarden run` held in its before hook, in its own process.
        using var bed = new Bed();
        var started = bed.Dir.Combine("started");
        var config = new TestConfig(bed.Dir).Job("held", $$"""
            direction: local
            hooks: { before: [{ command: [/bin/sh, -c, "touch {{started}}; sleep 120"], timeout: 10m }] }
            syncs: [ { source: {{TestConfig.Q(bed.Dir.Combine("src"))}}, destination: {{TestConfig.Q(bed.Dir.Combine("dst2"))}} } ]
            """);
        config.Write();
        config.StateDir.Should().Be(bed.Config.StateDir, "the run and the policy share the state directory");
        await using var run = await SyncwardenCli.StartAsync(["-c", config.ConfigPath, "run", "held"]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(started) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // Act
        var runningFile = Path.Combine(bed.Config.StateDir, "jobs", "held.running");
        var whileHeld = JobRunLock.AnyRunning(bed.Config.StateDir);
        await bed.IdleAsync(s_now.AddHours(5));
        var callsWhileHeld = bed.RtcwakeCalls();
        await run.KillAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        var leftOver = File.Exists(runningFile);
        await bed.IdleAsync(s_now.AddHours(5));

        // Assert
        File.Exists(started).Should().BeTrue(run.StandardErrorSoFar);
        whileHeld.Should().BeTrue();
        callsWhileHeld.Should().BeEmpty("a job is running in another process");
        leftOver.Should().BeTrue("kill -9 leaves the holder file behind");
        bed.RtcwakeCalls().Should().ContainSingle("a leftover file of a killed run does not keep the host awake");
    }
}

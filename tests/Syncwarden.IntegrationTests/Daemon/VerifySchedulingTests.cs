using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Events;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Scheduling;
using Syncwarden.Verification;

namespace Syncwarden.IntegrationTests.Daemon;

/// <summary>
/// Scheduled verifications (<c>verify: { every: ... }</c>) in the scheduler on a fake clock, with real rsync: due
/// like runs, caught up at start when never verified (after the job's own catch-up run), announced as
/// <see cref="VerifyFinished"/> and recorded in the history.
/// </summary>
public sealed class VerifySchedulingTests : IAsyncDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("verify-scheduler");
    private readonly FakeTimeProvider _clock = new(s_start);
    private readonly EventRecorder _events = new();
    private ServiceProvider? _services;
    private JobScheduler? _scheduler;

    private SyncwardenConfig Config(bool catchUpRun)
    {
        var source = new TreeBuilder(_dir.CreateSubdirectory("src")).File("a.bin", 1000).File("b/c.txt", 10).Root;
        return new SyncwardenConfig
        {
            SourceFile = _dir.Combine("syncwarden.yaml"),
            StateDir = _dir.CreateSubdirectory("state"),
            Daemon = new DaemonSettings { ShutdownGrace = TimeSpan.FromSeconds(5) },
            Jobs =
            [
                new JobConfig
                {
                    Name = "job1",
                    Schedule = new EverySchedule(TimeSpan.FromDays(1)),
                    CatchUp = catchUpRun,
                    Verify = new VerifySettings { Schedule = new EverySchedule(TimeSpan.FromHours(1)), SamplePercent = 50 },
                    Syncs = [new SyncPair { Source = source + "/", Destination = _dir.CreateSubdirectory("dst") }],
                },
            ],
        };
    }

    private async Task<HistoryStore> StartAsync(SyncwardenConfig config, Action<HistoryStore> seed)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<IRunEventSubscriber>(_events);
        services.AddSyncwarden(config, () => new ConfigLoadResult(config, []));
        services.AddSingleton<JobScheduler>();
        _services = services.BuildServiceProvider();
        var history = _services.GetRequiredService<HistoryStore>();
        seed(history);
        _scheduler = _services.GetRequiredService<JobScheduler>();
        await _scheduler.StartAsync(CancellationToken.None);
        return history;
    }

    private static void SeedVerification(HistoryStore history, DateTimeOffset at) =>
        history.InsertVerification(new VerifyRecord { Job = "job1", StartedAt = at, EndedAt = at.AddSeconds(1), Result = VerifyResult.Passed, Trigger = RunTrigger.Schedule });

    [Fact]
    public async Task A_verification_runs_when_its_interval_comes_and_not_before()
    {
        // Arrange: every hour (on the hour, like a job's every:), last verified at the start; a replica made by hand.
        var config = Config(catchUpRun: false);
        await TestProcess.RunAsync("rsync", ["-a", config.Jobs[0].Syncs[0].Source, config.Jobs[0].Syncs[0].Destination]);
        var history = await StartAsync(config, h => SeedVerification(h, s_start));
        var waiting = await _events.WaitForAsync<DaemonWaiting>();

        // Act
        _clock.Advance(TimeSpan.FromMinutes(59));
        var stillWaiting = await _events.WaitForAsync<DaemonWaiting>(after: waiting);
        var before = _events.Events.OfType<VerifyFinished>().Count();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var verified = await _events.WaitForAsync<VerifyFinished>();

        // Assert
        waiting.NextRun.Should().Be(s_start.AddHours(1), "the next verification is the earliest due time (the daily run is later)");
        stillWaiting.Idle.Should().BeTrue();
        before.Should().Be(0);
        verified.Verification.Trigger.Should().Be(RunTrigger.Schedule);
        verified.Verification.Result.Should().Be(VerifyResult.Passed);
        verified.Verification.SamplePercent.Should().Be(50);
        verified.Verification.FilesChecked.Should().Be(1, "half of the two files, rounded up");
        history.Verifications("job1", 10).Should().HaveCount(2);
        _events.Events.OfType<RunStarted>().Should().BeEmpty("a verification is not a run");
    }

    [Fact]
    public async Task A_job_never_verified_is_verified_at_start_after_its_catch_up_run()
    {
        // Arrange: never run, never verified.
        var config = Config(catchUpRun: true);

        // Act
        var history = await StartAsync(config, _ => { });
        var verified = await _events.WaitForAsync<VerifyFinished>();

        // Assert
        var finished = _events.Events.OfType<RunFinished>().Should().ContainSingle().Subject;
        _events.Events.ToList().IndexOf(finished).Should().BeLessThan(_events.Events.ToList().IndexOf(verified), "the queued run goes first");
        verified.Verification.Result.Should().Be(VerifyResult.Passed, "it compares the replica the run just made");
        history.LastVerification("job1")!.Id.Should().Be(verified.Verification.Id);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _scheduler!.StopAsync(CancellationToken.None);
            await _services.DisposeAsync();
        }
        _dir.Dispose();
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Runs;
using Syncwarden.Scheduling;

namespace Syncwarden.IntegrationTests.Daemon;

/// <summary>The daemon loop in-process, with real rsync runs and a test schedule of whole seconds.</summary>
public sealed class DaemonHostTests
{
    private sealed class EverySeconds(int seconds) : ISchedule
    {
        public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone) =>
            DateTimeOffset.FromUnixTimeSeconds((after.ToUnixTimeSeconds() / seconds + 1) * seconds);

        public string Describe() => $"every {seconds}s";

        public TimeSpan NominalPeriod => TimeSpan.FromSeconds(seconds);
    }

    private static (SyncwardenConfig Config, string Source) Setup(TempDir dir, ISchedule? schedule, int bandwidth = 0, int jobs = 1, int maxConcurrent = 1, bool catchUp = false)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.bin", bandwidth > 0 ? 3 * 1024 * 1024 : 1000);
        var config = new SyncwardenConfig
        {
            SourceFile = dir.Combine("syncwarden.yaml"),
            StateDir = dir.CreateSubdirectory("state"),
            Daemon = new DaemonSettings { MaxConcurrentJobs = maxConcurrent, ShutdownGrace = TimeSpan.FromSeconds(5) },
            Jobs = [.. Enumerable.Range(1, jobs).Select(i => new JobConfig
            {
                Name = $"job{i}",
                Direction = Direction.Local,
                Schedule = schedule,
                CatchUp = catchUp,
                Bandwidth = bandwidth > 0 ? bandwidth : null,
                Syncs = [new SyncPair { Source = source, Destination = dir.CreateSubdirectory($"dst{i}") }],
            })],
        };
        return (config, source);
    }

    private static async Task<bool> Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < end)
        {
            await Task.Delay(100);
        }
        return condition();
    }

    [Fact]
    public async Task A_scheduled_job_runs_repeatedly()
    {
        using var dir = new TempDir("daemon");
        var (config, _) = Setup(dir, new EverySeconds(1));
        using var history = HistoryStore.Open(config.StateDir);
        var host = new DaemonHost(config, () => new ConfigLoadResult(config, []), history, new ProgressBoard(), NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var loop = host.RunAsync(stop.Token);
        var ran = await Eventually(() => history.History("job1", 10).Count(r => r.Result == RunResult.Succeeded) >= 3, TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await loop;

        ran.Should().BeTrue();
        history.History("job1", 10).Should().OnlyContain(r => r.Trigger == RunTrigger.Schedule && r.Result == RunResult.Succeeded);
    }

    [Fact]
    public async Task A_due_run_while_the_previous_still_runs_is_skipped_and_counted_missed()
    {
        using var dir = new TempDir("daemon");
        var (config, _) = Setup(dir, new EverySeconds(1), bandwidth: 1000);
        using var history = HistoryStore.Open(config.StateDir);
        var host = new DaemonHost(config, () => new ConfigLoadResult(config, []), history, new ProgressBoard(), NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var loop = host.RunAsync(stop.Token);
        var missed = await Eventually(() => host.Snapshot()[0].Missed >= 1, TimeSpan.FromSeconds(20));
        var runsWhileMissing = history.History("job1", 10);
        await stop.CancelAsync();
        await loop;

        missed.Should().BeTrue();
        runsWhileMissing.Count(r => r.Result == RunResult.Running).Should().BeLessThanOrEqualTo(1, "runs of one job never overlap");
        history.History("job1", 10).Should().NotContain(r => r.Result == RunResult.Running, "stopping the daemon ends every run");
    }

    [Fact]
    public async Task Run_now_runs_an_unscheduled_job_once()
    {
        using var dir = new TempDir("daemon");
        var (config, _) = Setup(dir, schedule: null);
        using var history = HistoryStore.Open(config.StateDir);
        var host = new DaemonHost(config, () => new ConfigLoadResult(config, []), history, new ProgressBoard(), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var loop = host.RunAsync(stop.Token);

        host.RunNow();
        var ran = await Eventually(() => history.History("job1", 10).Any(r => r.Result == RunResult.Succeeded), TimeSpan.FromSeconds(20));
        await Task.Delay(1500);
        await stop.CancelAsync();
        await loop;

        ran.Should().BeTrue();
        history.History("job1", 10).Should().ContainSingle().Which.Trigger.Should().Be(RunTrigger.Signal);
    }

    [Fact]
    public async Task At_most_max_concurrent_jobs_run_at_once()
    {
        using var dir = new TempDir("daemon");
        var (config, _) = Setup(dir, schedule: null, bandwidth: 3000, jobs: 3, maxConcurrent: 1);
        using var history = HistoryStore.Open(config.StateDir);
        var host = new DaemonHost(config, () => new ConfigLoadResult(config, []), history, new ProgressBoard(), NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var loop = host.RunAsync(stop.Token);
        var maxRunning = 0;

        host.RunNow();
        var done = await Eventually(() =>
        {
            maxRunning = Math.Max(maxRunning, host.Snapshot().Count(j => j.Running));
            return history.History(null, 10).Count(r => r.Result == RunResult.Succeeded) == 3;
        }, TimeSpan.FromSeconds(40));
        await stop.CancelAsync();
        await loop;

        done.Should().BeTrue();
        maxRunning.Should().Be(1);
        var runs = history.History(null, 10).OrderBy(r => r.StartedAt).ToList();
        for (var i = 1; i < runs.Count; i++)
        {
            runs[i].StartedAt.Should().BeOnOrAfter(runs[i - 1].EndedAt!.Value.AddMilliseconds(-50), "runs never overlap with max-concurrent-jobs 1");
        }
    }

    [Fact]
    public async Task Catch_up_runs_a_job_that_missed_a_due_time_once_at_start()
    {
        using var dir = new TempDir("daemon");
        var (config, _) = Setup(dir, new EverySeconds(3600), catchUp: true);
        using var history = HistoryStore.Open(config.StateDir);
        var old = history.Insert(new RunRecord { Job = "job1", StartedAt = DateTimeOffset.UtcNow.AddHours(-3) });
        history.Update(new RunRecord { Id = old, Job = "job1", StartedAt = DateTimeOffset.UtcNow.AddHours(-3), EndedAt = DateTimeOffset.UtcNow.AddHours(-3), Result = RunResult.Succeeded });
        var host = new DaemonHost(config, () => new ConfigLoadResult(config, []), history, new ProgressBoard(), NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var loop = host.RunAsync(stop.Token);
        var caughtUp = await Eventually(() => history.History("job1", 10).Any(r => r.Trigger == RunTrigger.CatchUp && r.Result == RunResult.Succeeded), TimeSpan.FromSeconds(20));
        await Task.Delay(1000);
        await stop.CancelAsync();
        await loop;

        caughtUp.Should().BeTrue();
        history.History("job1", 10).Count(r => r.Trigger == RunTrigger.CatchUp).Should().Be(1);
    }

    [Fact]
    public async Task A_job_that_ran_within_its_period_is_not_caught_up()
    {
        using var dir = new TempDir("daemon");
        var (config, _) = Setup(dir, new EverySeconds(3600), catchUp: true);
        using var history = HistoryStore.Open(config.StateDir);
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 3600 * 3600).AddSeconds(1);
        var recent = history.Insert(new RunRecord { Job = "job1", StartedAt = start });
        history.Update(new RunRecord { Id = recent, Job = "job1", StartedAt = start, EndedAt = start.AddSeconds(1), Result = RunResult.Succeeded });
        var host = new DaemonHost(config, () => new ConfigLoadResult(config, []), history, new ProgressBoard(), NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var loop = host.RunAsync(stop.Token);
        await Task.Delay(2000);
        await stop.CancelAsync();
        await loop;

        history.History("job1", 10).Should().ContainSingle();
    }
}

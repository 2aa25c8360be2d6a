using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Events;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Scheduling;

namespace Syncwarden.IntegrationTests.Daemon;

/// <summary>
/// The scheduler in-process on a fake clock, with real local rsync runs: schedules, missed runs,
/// run-now, max-concurrent-jobs and catch-up, each asserted through the events it publishes. The clock
/// only moves when a test moves it, so "nothing happened yet" is shown by the idle announcement that
/// the loop makes once it is waiting, not by sleeping.
/// </summary>
public sealed class JobSchedulerTests
{
    private static readonly DateTimeOffset s_start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class EverySeconds(int seconds) : ISchedule
    {
        public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone) =>
            DateTimeOffset.FromUnixTimeSeconds((after.ToUnixTimeSeconds() / seconds + 1) * seconds);

        public string Describe() => $"every {seconds}s";

        public TimeSpan NominalPeriod => TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A scheduler with its services on a fake clock; a job's before hook can be held until released.</summary>
    private sealed class Bed : IAsyncDisposable
    {
        private readonly TempDir _dir = new("scheduler");
        private ServiceProvider? _services;

        public FakeTimeProvider Clock { get; } = new(s_start);
        public EventRecorder Events { get; } = new();
        public JobScheduler Scheduler { get; private set; } = null!;
        public HistoryStore History { get; private set; } = null!;
        public string StateDir => Path.Combine(_dir.Path, "state");

        /// <summary>The file a held job's hook waits for; <see cref="Release"/> creates it.</summary>
        public string ReleaseFile(string job) => _dir.Combine("release-" + job);

        public string StartedFile(string job) => _dir.Combine("started-" + job);

        public void Release(string job) => File.WriteAllText(ReleaseFile(job), "");

        public SyncwardenConfig Config(ISchedule? schedule, int jobs = 1, int maxConcurrent = 1, bool catchUp = false, bool held = false)
        {
            var source = _dir.CreateSubdirectory("src");
            new TreeBuilder(source).File("a.bin", 1000);
            return new SyncwardenConfig
            {
                SourceFile = _dir.Combine("syncwarden.yaml"),
                StateDir = _dir.CreateSubdirectory("state"),
                Daemon = new DaemonSettings { MaxConcurrentJobs = maxConcurrent, ShutdownGrace = TimeSpan.FromSeconds(5) },
                Jobs = [.. Enumerable.Range(1, jobs).Select(i => new JobConfig
                {
                    Name = $"job{i}",
                    Direction = Direction.Local,
                    Schedule = schedule,
                    CatchUp = catchUp,
                    Hooks = held ? new HooksConfig { Before = [Hold($"job{i}")] } : new HooksConfig(),
                    Syncs = [new SyncPair { Source = source, Destination = _dir.CreateSubdirectory($"dst{i}") }],
                })],
            };
        }

        private HookCommand Hold(string job) => new()
        {
            Command = ["/bin/sh", "-c", $"touch '{StartedFile(job)}'; while [ ! -e '{ReleaseFile(job)}' ]; do sleep 0.05; done"],
            Timeout = TimeSpan.FromHours(1),
        };

        public async Task StartAsync(SyncwardenConfig config, Action<HistoryStore>? seed = null)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IRunEventSubscriber>(Events);
            services.AddSyncwarden(config, () => new ConfigLoadResult(config, []));
            services.AddSingleton<JobScheduler>();
            _services = services.BuildServiceProvider();
            History = _services.GetRequiredService<HistoryStore>();
            seed?.Invoke(History);
            Scheduler = _services.GetRequiredService<JobScheduler>();
            await Scheduler.StartAsync(CancellationToken.None);
        }

        /// <summary>Moves the clock once the loop is waiting (it announces idle after setting its timer).</summary>
        public void Advance(TimeSpan by) => Clock.Advance(by);

        public async ValueTask DisposeAsync()
        {
            if (_services is not null)
            {
                await Scheduler.StopAsync(CancellationToken.None);
                await _services.DisposeAsync();
            }
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task A_scheduled_job_runs_when_its_due_time_comes_and_not_before()
    {
        // Arrange
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(new EverySeconds(60)));
        await bed.Events.WaitForAsync<DaemonWaiting>();

        // Act
        var startedBefore = bed.Events.Events.OfType<RunStarted>().Count();
        bed.Advance(TimeSpan.FromSeconds(60));
        var first = await bed.Events.WaitForAsync<RunFinished>();
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: first);
        bed.Advance(TimeSpan.FromSeconds(60));
        var second = await bed.Events.WaitForAsync<RunFinished>(f => f.Run.Id != first.Run.Id);

        // Assert
        startedBefore.Should().Be(0, "nothing is due before the clock reaches the first due time");
        first.Run.Result.Should().Be(RunResult.Succeeded);
        first.Run.Trigger.Should().Be(RunTrigger.Schedule);
        first.Run.StartedAt.Should().Be(s_start.AddSeconds(60));
        second.Run.StartedAt.Should().Be(s_start.AddSeconds(120));
    }

    [Fact]
    public async Task A_job_whose_host_is_this_machine_is_neither_scheduled_nor_caught_up_nor_run_with_all_jobs()
    {
        // Arrange: one file for both machines; job2 pushes to host 'self', which this-host says this machine is. Both
        // jobs are due every minute and catch up (never run), so job2 would run at start, on schedule and on run-now.
        await using var bed = new Bed();
        var config = bed.Config(new EverySeconds(60), jobs: 2, catchUp: true);
        var self = new HostConfig { Name = "self", Address = "127.0.0.1" };
        config = config with
        {
            Hosts = new Dictionary<string, HostConfig> { ["self"] = self },
            ThisHost = "self",
            Jobs = [config.Jobs[0], config.Jobs[1] with { Direction = Direction.Push, Host = "self", HostConfig = self }],
        };
        await bed.StartAsync(config);

        // Act: the catch-up run, one due run, one run-now of all jobs.
        var caughtUp = await bed.Events.WaitForAsync<RunFinished>();
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: caughtUp);
        bed.Advance(TimeSpan.FromSeconds(60));
        var due = await bed.Events.WaitForAsync<RunFinished>(f => f.Run.Id != caughtUp.Run.Id);
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: due);
        bed.Scheduler.RunNow();
        var now = await bed.Events.WaitForAsync<RunFinished>(f => f.Run.Id != caughtUp.Run.Id && f.Run.Id != due.Run.Id);
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: now);

        // Assert
        new[] { caughtUp, due, now }.Select(f => (f.Run.Job, f.Run.Trigger)).Should().Equal(
            ("job1", RunTrigger.CatchUp), ("job1", RunTrigger.Schedule), ("job1", RunTrigger.Signal));
        bed.Events.Events.OfType<RunStarted>().Select(e => e.Run.Job).Should().OnlyContain(j => j == "job1");
        bed.Events.Events.OfType<RunMissed>().Should().BeEmpty();
        bed.History.History("job2", 10).Should().BeEmpty();
    }

    [Fact]
    public async Task A_due_run_while_the_previous_still_runs_is_missed_and_announced()
    {
        // Arrange: the first run is held in its before hook.
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(new EverySeconds(60), held: true));
        await bed.Events.WaitForAsync<DaemonWaiting>();
        bed.Advance(TimeSpan.FromSeconds(60));
        await bed.Events.WaitForAsync<DaemonWaiting>(w => !w.Idle);

        // Act: the next due time comes while the first run still runs.
        bed.Advance(TimeSpan.FromSeconds(60));
        var missed = await bed.Events.WaitForAsync<RunMissed>();
        var stateWhileMissing = bed.Scheduler.State("job1");
        bed.Release("job1");
        var finished = await bed.Events.WaitForAsync<RunFinished>();

        // Assert
        missed.Job.Should().Be("job1");
        missed.Due.Should().Be(s_start.AddSeconds(120));
        missed.Reason.Should().Contain("still running");
        missed.MissedSoFar.Should().Be(1);
        stateWhileMissing!.Missed.Should().Be(1);
        stateWhileMissing.Running.Should().BeTrue();
        finished.Run.Result.Should().Be(RunResult.Succeeded);
        bed.Events.Events.OfType<RunStarted>().Should().ContainSingle("runs of one job never overlap");
    }

    [Fact]
    public async Task Run_now_runs_an_unscheduled_job_once_with_the_signal_trigger()
    {
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(schedule: null));
        await bed.Events.WaitForAsync<DaemonWaiting>();

        bed.Scheduler.RunNow();
        var finished = await bed.Events.WaitForAsync<RunFinished>();
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: finished);

        finished.Run.Result.Should().Be(RunResult.Succeeded);
        finished.Run.Trigger.Should().Be(RunTrigger.Signal);
        bed.Events.Events.OfType<RunStarted>().Should().ContainSingle();
    }

    [Fact]
    public async Task Cancel_stops_only_that_jobs_run_recorded_cancelled_and_takes_a_queued_run_off_the_queue()
    {
        // Arrange: two held jobs, one slot: job1 runs (in its before hook), job2 waits.
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(schedule: null, jobs: 2, maxConcurrent: 1, held: true));
        await bed.Events.WaitForAsync<DaemonWaiting>();
        bed.Scheduler.RunNow(["job1", "job2"], RunTrigger.Web);
        await WaitForFileAsync(bed.StartedFile("job1"));

        // Act
        var queued = bed.Scheduler.Cancel("job2");
        var running = bed.Scheduler.Cancel("job1");
        var finished = await bed.Events.WaitForAsync<RunFinished>(f => f.Job == "job1");
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: finished);
        var afterwards = bed.Scheduler.Cancel("job1");
        var unknown = bed.Scheduler.Cancel("nope");

        // Assert
        queued.Should().Be(CancelOutcome.Dequeued);
        running.Should().Be(CancelOutcome.Cancelled);
        finished.Run.Result.Should().Be(RunResult.Cancelled);
        finished.Run.Trigger.Should().Be(RunTrigger.Web);
        afterwards.Should().Be(CancelOutcome.NotRunning);
        unknown.Should().Be(CancelOutcome.UnknownJob);
        bed.Events.Events.OfType<RunStarted>().Should().ContainSingle("job2 was taken off the queue before it started");
    }

    [Fact]
    public async Task At_most_max_concurrent_jobs_run_at_once()
    {
        // Arrange: two held jobs, one slot.
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(schedule: null, jobs: 2, maxConcurrent: 1, held: true));
        await bed.Events.WaitForAsync<DaemonWaiting>();

        // Act
        bed.Scheduler.RunNow();
        await bed.Events.WaitForAsync<RunStarted>(s => s.Job == "job1");
        await WaitForFileAsync(bed.StartedFile("job1"));
        var whileFirstRuns = bed.Scheduler.Snapshot();
        bed.Release("job1");
        await bed.Events.WaitForAsync<RunFinished>(f => f.Job == "job1");
        await bed.Events.WaitForAsync<RunStarted>(s => s.Job == "job2");
        bed.Release("job2");
        await bed.Events.WaitForAsync<RunFinished>(f => f.Job == "job2");

        // Assert
        whileFirstRuns.Single(j => j.Job == "job1").Running.Should().BeTrue();
        whileFirstRuns.Single(j => j.Job == "job2").Should().Match<DaemonJobState>(j => j.Queued && !j.Running, "job2 waits for the one slot");
        var order = bed.Events.Events.Where(e => e is RunStarted or RunFinished).Select(e => $"{e.GetType().Name} {e.Job}").ToList();
        order.Should().Equal("RunStarted job1", "RunFinished job1", "RunStarted job2", "RunFinished job2");
    }

    [Fact]
    public async Task With_two_slots_two_jobs_run_side_by_side_and_the_third_takes_the_first_free_slot()
    {
        // Arrange: three held jobs, two slots.
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(schedule: null, jobs: 3, maxConcurrent: 2, held: true));
        await bed.Events.WaitForAsync<DaemonWaiting>();

        // Act
        bed.Scheduler.RunNow();
        await WaitForFileAsync(bed.StartedFile("job1"));
        await WaitForFileAsync(bed.StartedFile("job2"));
        var whileTwoRun = bed.Scheduler.Snapshot();
        bed.Release("job2");
        await bed.Events.WaitForAsync<RunFinished>(f => f.Job == "job2");
        await WaitForFileAsync(bed.StartedFile("job3"));
        var afterSecondFinished = bed.Scheduler.Snapshot();
        bed.Release("job1");
        bed.Release("job3");
        await bed.Events.WaitForAsync<RunFinished>(f => f.Job == "job1");
        await bed.Events.WaitForAsync<RunFinished>(f => f.Job == "job3");

        // Assert
        whileTwoRun.Where(j => j.Running).Select(j => j.Job).Should().BeEquivalentTo(["job1", "job2"], "both slots are used at once");
        whileTwoRun.Single(j => j.Job == "job3").Should().Match<DaemonJobState>(j => j.Queued && !j.Running, "job3 waits for a free slot");
        afterSecondFinished.Where(j => j.Running).Select(j => j.Job).Should().BeEquivalentTo(["job1", "job3"], "job3 took the slot job2 freed while job1 still ran");
        var started = bed.Events.Events.OfType<RunStarted>().Select(e => e.Job).ToList();
        started.Take(2).Should().BeEquivalentTo(["job1", "job2"], "the first two start together, in either order");
        started.Should().HaveCount(3).And.EndWith("job3");
        bed.Events.Events.OfType<RunFinished>().Should().HaveCount(3).And.OnlyContain(f => f.Run.Result == RunResult.Succeeded);
    }

    [Fact]
    public async Task Catch_up_runs_a_job_that_missed_a_due_time_once_at_start()
    {
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(new EverySeconds(3600), catchUp: true), history => Seed(history, s_start.AddHours(-3)));

        var finished = await bed.Events.WaitForAsync<RunFinished>();
        await bed.Events.WaitForAsync<DaemonWaiting>(w => w.Idle, after: finished);

        finished.Run.Trigger.Should().Be(RunTrigger.CatchUp);
        finished.Run.Result.Should().Be(RunResult.Succeeded);
        bed.Events.Events.OfType<RunStarted>().Should().ContainSingle();
    }

    [Fact]
    public async Task A_job_that_ran_within_its_period_is_not_caught_up()
    {
        await using var bed = new Bed();
        await bed.StartAsync(bed.Config(new EverySeconds(3600), catchUp: true), history => Seed(history, s_start));

        // The first loop pass starts what is queued before it announces idle: idle first means nothing was queued.
        var first = await bed.Events.WaitForAsync<RunEvent>(e => e is DaemonWaiting or RunStarted);

        first.Should().BeOfType<DaemonWaiting>().Which.Idle.Should().BeTrue();
        ((DaemonWaiting)first).NextRun.Should().Be(s_start.AddMinutes(60));
    }

    private static void Seed(HistoryStore history, DateTimeOffset startedAt)
    {
        var id = history.Insert(new RunRecord { Job = "job1", StartedAt = startedAt });
        history.Update(new RunRecord { Id = id, Job = "job1", StartedAt = startedAt, EndedAt = startedAt.AddSeconds(1), Result = RunResult.Succeeded });
    }

    private static async Task WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(path))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{path} should appear");
            await Task.Delay(20);
        }
    }
}

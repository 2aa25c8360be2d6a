using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Runs;

namespace Syncwarden.IntegrationTests.Engine;

public sealed class JobBusyTests
{
    [Fact]
    public async Task A_second_run_of_a_running_job_is_refused_and_touches_nothing()
    {
        // Arrange: a slow run of the job is in progress.
        using var dir = new TempDir("busy");
        var config = SlowJob(dir);
        await using var first = await StartRunningAsync(config);

        // Act
        var second = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "run", "slow", "--no-progress"]);
        await first.TerminateAsync();
        await first.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        second.ExitCode.Should().Be(1);
        second.StandardError.Should().Contain("job 'slow' is already running (pid " + first.ProcessId);
        var history = JsonDocument.Parse((await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "history", "--json"])).StandardOutput).RootElement;
        history.GetArrayLength().Should().Be(1, "the refused run records nothing");
        File.Exists(Path.Combine(config.StateDir, "jobs", "slow.running")).Should().BeFalse("the lock is released when the run ends");
        JobRunLock.IsRunning(config.StateDir, "slow").Should().BeFalse();
    }

    [Fact]
    public async Task A_run_killed_with_kill_9_leaves_its_running_file_but_is_not_running()
    {
        // Arrange
        using var dir = new TempDir("busy-killed");
        var config = SlowJob(dir);
        await using var run = await StartRunningAsync(config);
        var runningBefore = JobRunLock.AnyRunning(config.StateDir);

        // Act
        (await run.KillAsync()).Should().BeTrue();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        runningBefore.Should().BeTrue();
        File.Exists(Path.Combine(config.StateDir, "jobs", "slow.running")).Should().BeTrue("nothing removes it after kill -9");
        JobRunLock.IsRunning(config.StateDir, "slow").Should().BeFalse("the kernel dropped the run lock, and rsync never inherited it");
        JobRunLock.AnyRunning(config.StateDir).Should().BeFalse();
    }

    /// <summary>Job "slow": 8 MiB at 1000 KiB/s, long enough to be caught running.</summary>
    private static TestConfig SlowJob(TempDir dir)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("big.bin", 8 * 1024 * 1024);
        return new TestConfig(dir).Pair("slow", "local", source, dir.CreateSubdirectory("dst"), "bandwidth: 1000");
    }

    /// <summary>Starts <c>run slow</c> and returns once it holds the job's run lock.</summary>
    private static async Task<RunningProcess> StartRunningAsync(TestConfig config)
    {
        var cli = await config.StartCliAsync("run", "slow", "--no-progress");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!JobRunLock.IsRunning(config.StateDir, "slow") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return cli;
    }
}

using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine;

public sealed class JobBusyTests
{
    [Fact]
    public async Task A_second_run_of_a_running_job_is_refused_and_touches_nothing()
    {
        // Arrange: a slow run of the job is in progress.
        using var dir = new TempDir("busy");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("big.bin", 8 * 1024 * 1024);
        var config = new TestConfig(dir).Job("slow", $$"""
            direction: local
            bandwidth: 1000
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);
        await using var first = await config.StartCliAsync("run", "slow", "--no-progress");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(Path.Combine(config.StateDir, "jobs", "slow.running")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

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
    }
}

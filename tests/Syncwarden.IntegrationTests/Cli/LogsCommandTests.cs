using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Cli;

/// <summary>`syncwarden logs RUN_ID [--follow]` against real runs.</summary>
public sealed class LogsCommandTests
{
    private static TestConfig SlowJob(TempDir dir, int megabytes) => ProgressTests.SlowJob(dir, megabytes);

    private static async Task<string?> ResultOfRunAsync(TestConfig config, long id)
    {
        var history = await config.RunCliAsync("history", "--json");
        return JsonDocument.Parse(history.StandardOutput).RootElement.EnumerateArray()
            .Where(r => r.GetProperty("id").GetInt64() == id).Select(r => r.GetProperty("result").GetString()).FirstOrDefault();
    }

    [Fact]
    public async Task Logs_prints_a_finished_runs_log()
    {
        // Arrange
        using var dir = new TempDir("logs");
        var config = SlowJob(dir, megabytes: 1);
        (await config.RunCliAsync("run")).ExitCode.Should().Be(0);

        // Act
        var logs = await config.RunCliAsync("logs", "1");

        // Assert
        logs.ExitCode.Should().Be(0, logs.StandardError);
        logs.StandardOutput.Should().Contain("syncwarden run 1 of job 'slow'").And.Contain(">f+++++++++ src/big.bin").And.Contain("exited with 0");
    }

    [Fact]
    public async Task Logs_follow_prints_lines_until_the_run_ends()
    {
        // Arrange: a run of about 6 s (12 MiB at 2000 KiB/s), followed while it runs.
        using var dir = new TempDir("logs");
        var config = SlowJob(dir, megabytes: 12);
        await using var run = await config.StartCliAsync("run", "--no-progress");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await ResultOfRunAsync(config, 1) != "running" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        (await ResultOfRunAsync(config, 1)).Should().Be("running", run.StandardErrorSoFar);

        // Act
        var follow = await config.RunCliAsync(TimeSpan.FromSeconds(90), "logs", "1", "--follow");

        // Assert: it ended by itself, after the run, with the lines written at the end of the run.
        follow.ExitCode.Should().Be(0, follow.StandardError);
        (await run.WaitAsync(TimeSpan.FromSeconds(60))).ExitCode.Should().Be(0);
        (await ResultOfRunAsync(config, 1)).Should().Be("succeeded");
        follow.StandardOutput.Should().Contain("syncwarden run 1 of job 'slow'").And.Contain(">f+++++++++ src/big.bin").And.Contain("exited with 0");
        var full = await config.RunCliAsync("logs", "1");
        follow.StandardOutput.Should().Be(full.StandardOutput, "following printed the whole log, once");
    }

    [Fact]
    public async Task Logs_of_an_unknown_run_names_the_problem_and_exits_2()
    {
        // Arrange
        using var dir = new TempDir("logs");
        var config = SlowJob(dir, megabytes: 1);

        // Act
        var logs = await config.RunCliAsync("logs", "42");

        // Assert
        logs.ExitCode.Should().Be(2);
        logs.StandardError.Should().Contain("no run 42 in the history").And.Contain("syncwarden history");
    }
}

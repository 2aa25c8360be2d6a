using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Cli;

public sealed class StatusCommandTests
{
    private static TestConfig TwoJobs(TempDir dir)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 2048);
        return new TestConfig(dir)
            .Job("good", $$"""
                direction: local
                syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
                """)
            .Job("broken", $$"""
                direction: local
                syncs: [ { source: {{TestConfig.Q(dir.Combine("nope"))}}, destination: {{TestConfig.Q(dir.Combine("dst"))}} } ]
                """);
    }

    [Fact]
    public async Task Status_json_shows_last_result_time_duration_bytes_and_last_success_per_job()
    {
        using var dir = new TempDir("status");
        var config = TwoJobs(dir);
        var run = await config.RunCliAsync("run", "--no-progress");
        run.ExitCode.Should().Be(1, "one job fails");

        var status = await config.RunCliAsync("status", "--json");

        status.ExitCode.Should().Be(0, status.StandardError);
        var jobs = JsonDocument.Parse(status.StandardOutput).RootElement.EnumerateArray().ToDictionary(j => j.GetProperty("job").GetString()!);
        jobs["good"].GetProperty("lastResult").GetString().Should().Be("succeeded");
        jobs["good"].GetProperty("lastBytesTransferred").GetInt64().Should().Be(2048);
        jobs["good"].GetProperty("lastDurationSeconds").GetDouble().Should().BeGreaterThan(0);
        jobs["good"].GetProperty("lastSuccessAt").ValueKind.Should().Be(JsonValueKind.String);
        jobs["good"].GetProperty("lastRunAt").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2));
        jobs["broken"].GetProperty("lastResult").GetString().Should().Be("failed");
        jobs["broken"].GetProperty("lastSuccessAt").ValueKind.Should().Be(JsonValueKind.Null);
        jobs["broken"].GetProperty("lastError").GetString().Should().Contain("nope");
    }

    [Fact]
    public async Task Status_text_is_a_plain_table_without_escape_codes()
    {
        using var dir = new TempDir("status");
        var config = TwoJobs(dir);
        await config.RunCliAsync("run", "good", "--no-progress");

        var status = await config.RunCliAsync("status");

        status.ExitCode.Should().Be(0);
        var lines = status.StandardOutput.Split('\n');
        lines[0].Should().StartWith("JOB").And.Contain("LAST RESULT").And.Contain("LAST SUCCESS");
        lines.Should().Contain(l => l.StartsWith("good ", StringComparison.Ordinal) && l.Contains("succeeded", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("broken ", StringComparison.Ordinal) && l.Contains("never run", StringComparison.Ordinal));
        status.StandardOutput.Should().NotContain("\u001b[");
    }

    [Fact]
    public async Task Status_text_shows_why_a_failed_job_failed_in_one_short_line()
    {
        // Arrange
        using var dir = new TempDir("status");
        var config = TwoJobs(dir);
        await config.RunCliAsync("run", "--no-progress");
        var error = JsonDocument.Parse((await config.RunCliAsync("history", "broken", "--json")).StandardOutput).RootElement[0].GetProperty("error").GetString()!;

        // Act
        var status = await config.RunCliAsync("status");

        // Assert
        status.ExitCode.Should().Be(0, status.ToString());
        var lines = status.StandardOutput.Split('\n');
        lines[0].Should().EndWith("  NEXT RUN   ERROR");
        var column = lines[0].IndexOf("ERROR", StringComparison.Ordinal);
        var good = lines.Single(l => l.StartsWith("good ", StringComparison.Ordinal));
        var broken = lines.Single(l => l.StartsWith("broken ", StringComparison.Ordinal))[column..];
        good.Length.Should().BeLessThanOrEqualTo(column, "a succeeded job has no error");
        error.Should().StartWith("rsync: [sender] ").And.Contain(dir.Combine("nope"));
        error.Length.Should().BeGreaterThan(60);
        broken.Length.Should().BeLessThanOrEqualTo(60);
        broken.Should().EndWith("...");
        error.Should().StartWith(broken[..^3], "the cut is at the end, on one line");
        lines.Should().Contain("errors are shortened; 'syncwarden history JOB' shows them in full");
        lines.Should().NotContain(l => l.StartsWith("broken:", StringComparison.Ordinal), "no second, full error line");
    }

    [Fact]
    public async Task Json_output_keeps_apostrophes_and_angle_brackets_readable()
    {
        // Arrange: a job whose error names a path with an apostrophe, angle brackets and an ampersand.
        using var dir = new TempDir("json");
        var missing = dir.Combine("it's <here> & there");
        var config = new TestConfig(dir).Job("odd", $$"""
            direction: local
            syncs: [ { source: {{TestConfig.Q(missing)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);

        // Act
        var run = await config.RunCliAsync("run", "--json");
        var history = await config.RunCliAsync("history", "--json");
        var status = await config.RunCliAsync("status", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        foreach (var (output, field) in new[] { (run, "error"), (history, "error"), (status, "lastError") })
        {
            output.StandardOutput.Should().Contain(missing).And.NotContain(@"\u0027").And.NotContain(@"\u003C").And.NotContain(@"\u0026");
            using var json = JsonDocument.Parse(output.StandardOutput);
            json.RootElement[0].GetProperty(field).GetString().Should().Contain(missing);
        }
    }

    [Fact]
    public async Task History_lists_runs_newest_first_filtered_by_job_and_limited()
    {
        using var dir = new TempDir("status");
        var config = TwoJobs(dir);
        await config.RunCliAsync("run", "--no-progress");
        await config.RunCliAsync("run", "good", "--no-progress");

        var all = JsonDocument.Parse((await config.RunCliAsync("history", "--json")).StandardOutput).RootElement;
        var good = JsonDocument.Parse((await config.RunCliAsync("history", "good", "--json", "--limit", "1")).StandardOutput).RootElement;

        all.EnumerateArray().Select(r => r.GetProperty("job").GetString()).Should().Equal("good", "broken", "good");
        all[0].GetProperty("id").GetInt64().Should().BeGreaterThan(all[1].GetProperty("id").GetInt64());
        good.GetArrayLength().Should().Be(1);
        good[0].GetProperty("result").GetString().Should().Be("succeeded");
        good[0].GetProperty("durationSeconds").GetDouble().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Unknown_job_is_a_usage_error_naming_the_known_jobs()
    {
        using var dir = new TempDir("status");
        var config = TwoJobs(dir);

        var run = await config.RunCliAsync("run", "nightly");

        run.ExitCode.Should().Be(2);
        run.StandardError.Should().Contain("no job named 'nightly'").And.Contain("good, broken");
    }

    [Fact]
    public async Task Run_log_files_beyond_the_retention_are_removed()
    {
        using var dir = new TempDir("status");
        var config = TwoJobs(dir);
        File.AppendAllText(config.Write(), "");
        var yaml = config.Yaml.Replace("log: { level: debug }", "log: { level: debug }\nrun-logs: { keep: 2 }", StringComparison.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            File.WriteAllText(config.ConfigPath, yaml);
            (await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "run", "good", "--no-progress"])).ExitCode.Should().Be(0);
        }

        Directory.EnumerateFiles(Path.Combine(config.StateDir, "logs")).Should().HaveCount(2);
        var history = JsonDocument.Parse((await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "history", "--json"])).StandardOutput).RootElement;
        history.EnumerateArray().Select(r => r.GetProperty("logFile").ValueKind).Should().Equal(JsonValueKind.String, JsonValueKind.String, JsonValueKind.Null, JsonValueKind.Null);
    }
}

using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Cli;

public sealed partial class ProgressTests
{
    /// <summary>A local job "slow" of one big file and a small one at 2000 KiB/s (about 6 s for 12 MiB); also used by <see cref="LogsCommandTests"/>.</summary>
    internal static TestConfig SlowJob(TempDir dir, int megabytes = 12)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("big.bin", megabytes * 1024 * 1024).File("small.txt", 100);
        return new TestConfig(dir).Job("slow", $$"""
            direction: local
            bandwidth: 2000
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);
    }

    [GeneratedRegex(@"slow \[1/1\] \[[#.]{24}\] +(\d+)% .+/s ETA [\d:-]+")]
    private static partial Regex ProgressLine();

    [Fact]
    public async Task Without_a_terminal_progress_is_a_plain_line_every_few_seconds()
    {
        using var dir = new TempDir("progress");
        var config = SlowJob(dir);

        var run = await config.RunCliAsync("run");

        run.ExitCode.Should().Be(0, run.StandardError);
        var lines = run.StandardError.Split('\n').Where(l => ProgressLine().IsMatch(l)).ToList();
        lines.Should().HaveCountGreaterOrEqualTo(1).And.HaveCountLessThan(5, "about one line per 5 s of a ~6 s transfer");
        run.StandardError.Should().NotContain("\r");
        var percents = lines.Select(l => int.Parse(ProgressLine().Match(l).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        percents.Should().BeInAscendingOrder().And.OnlyContain(p => p >= 0 && p <= 100);
    }

    [Fact]
    public async Task On_a_terminal_progress_is_one_redrawn_bar()
    {
        using var dir = new TempDir("progress");
        var config = SlowJob(dir);

        var run = await RunOnATerminalAsync(config);

        run.ExitCode.Should().Be(0, run.StandardOutput);
        var redraws = run.StandardOutput.Split('\r').Where(s => ProgressLine().IsMatch(s)).ToList();
        redraws.Should().HaveCountGreaterThan(3, "the bar is redrawn in place as rsync reports progress");
        redraws.Select(s => int.Parse(ProgressLine().Match(s).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Max().Should().BeGreaterThan(50);
        run.StandardOutput.Should().Contain("slow: succeeded");
    }

    [Fact]
    public async Task On_a_terminal_the_bar_is_wiped_before_log_lines_and_the_summary()
    {
        // Arrange: stdout and stderr on one terminal; the test config logs at debug level to stderr, between redraws.
        using var dir = new TempDir("progress");
        var config = SlowJob(dir, megabytes: 4);

        // Act
        var run = await RunOnATerminalAsync(config);

        // Assert
        run.ExitCode.Should().Be(0, run.StandardOutput);
        run.StandardOutput.Split('\r').Should().Contain(s => ProgressLine().IsMatch(s), "the bar was drawn");
        // What each line shows once its '\r' redraws are done (script ends lines with "\r\n").
        var shown = run.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')).Select(l => l[(l.LastIndexOf('\r') + 1)..].TrimEnd()).ToList();
        shown.Should().NotContain(l => l.Contains("slow [1/1]", StringComparison.Ordinal), "no bar is left in front of, or behind, other text");
        shown.Should().Contain(l => LogLine().IsMatch(l) && l.Contains("INFO job slow: run 1 succeeded", StringComparison.Ordinal));
        shown.Should().Contain(l => l.StartsWith("slow: succeeded in ", StringComparison.Ordinal), "the summary starts its own line");
    }

    [GeneratedRegex(@"slow \[1/1\] \[[#.]{24}\] +(\d+)% [\d.]+ [KMG]?i?B [\d.]+ [KMG]?i?B/s ETA (\d+:\d\d)( \d+/3 files)? src/big\.bin")]
    private static partial Regex FullProgressLine();

    [Fact]
    public async Task On_a_terminal_the_bar_shows_rate_eta_files_and_the_current_file_from_the_start()
    {
        // Arrange: one big file, so the files count stays while its bytes move.
        using var dir = new TempDir("progress");
        var config = SlowJob(dir);

        // Act
        var run = await RunOnATerminalAsync(config);

        // Assert: the percentage is of the whole list from the first bar (rsync counts files as each one ends); an ETA counts down.
        run.ExitCode.Should().Be(0, run.StandardOutput);
        var bars = run.StandardOutput.Split('\r').Select(s => FullProgressLine().Match(s)).Where(m => m.Success).ToList();
        bars.Should().HaveCountGreaterThan(3, run.StandardOutput);
        var etas = bars.Select(m => TimeSpan.ParseExact(m.Groups[2].Value, @"m\:ss", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        etas.Should().Contain(e => e > TimeSpan.Zero);
        etas[^1].Should().BeLessThan(etas.Max());
    }

    /// <summary>Runs <c>syncwarden run</c> under <c>script</c>, which gives it a real pseudo-terminal; returns what the terminal received.</summary>
    private static async Task<ProcessResult> RunOnATerminalAsync(TestConfig config)
    {
        config.Write();
        var command = string.Join(' ', new[] { SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", config.ConfigPath, "run" }.Select(SshServer.ShellQuote));
        return await TestProcess.RunAsync("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"], TimeSpan.FromSeconds(90));
    }

    [GeneratedRegex(@"^(\e\[\?1h\e=)?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (DEBUG|INFO|WARN|ERROR) ")]
    private static partial Regex LogLine();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Resilience;

public sealed partial class CancelTests
{
    [Fact]
    public async Task Sigterm_during_run_stops_rsync_and_records_cancelled()
    {
        // Arrange: a transfer slow enough to be caught in the middle.
        using var dir = new TempDir("cancel");
        var (config, source, replica) = Interruption.SlowJob(dir);
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(Path.Combine(replica, ".syncwarden-tmp")) > 2_000_000, "rsync writing the big file", cli);
        var rsyncs = Interruption.RsyncDescendants(cli.ProcessId);
        rsyncs.Should().NotBeEmpty();

        // Act
        (await cli.TerminateAsync()).Should().BeTrue();
        var run = await cli.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        Interruption.SingleRun(run).GetProperty("result").GetString().Should().Be("cancelled");
        rsyncs.Where(ProcFs.IsAlive).Should().BeEmpty("every rsync the run started is stopped");
        Interruption.RsyncOrSshMentioning(dir.Path).Should().BeEmpty();
        Interruption.CorruptFinalFiles(source, Path.Combine(replica, "work")).Should().BeEmpty();
        Interruption.ShouldHaveEnded((await Interruption.HistoryAsync(config)).Should().ContainSingle().Subject, "cancelled", "cancelled");
    }

    [Fact]
    public async Task A_cancelled_run_reports_and_records_the_bytes_it_moved()
    {
        // Arrange: the bandwidth-limited 40 MB file, cancelled once the progress line shows data moved.
        using var dir = new TempDir("cancel-bytes");
        var (config, _, _) = Interruption.SlowJob(dir);
        await using var cli = await config.StartCliAsync("run", "slow");
        await Interruption.WaitUntilAsync(() => LastProgressBytes(cli.StandardErrorSoFar) > 0, "a progress line with bytes moved", cli);
        var shown = LastProgressBytes(cli.StandardErrorSoFar);

        // Act
        (await cli.TerminateAsync()).Should().BeTrue();
        var run = await cli.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: rsync prints no statistics when stopped; the last progress says what moved.
        run.ExitCode.Should().Be(1, run.ToString());
        var summary = Summary().Match(run.StandardOutput);
        summary.Success.Should().BeTrue(run.ToString());
        summary.Groups[1].Value.Should().NotBe("0 B");
        var record = (await Interruption.HistoryAsync(config)).Should().ContainSingle().Subject;
        record.GetProperty("result").GetString().Should().Be("cancelled");
        // The progress line rounds to a tenth of its unit; later progress only adds.
        record.GetProperty("bytesTransferred").GetInt64().Should().BeGreaterThanOrEqualTo((long)(shown * 0.99)).And.BeLessThan(Interruption.BigFileSize + 100_000);
    }

    /// <summary>The bytes of the last plain progress line (stderr is not a terminal), e.g. "slow [1/1] [###.....]  30% 12.0 MiB ..."; 0 when none.</summary>
    private static double LastProgressBytes(string stderr)
    {
        var last = ProgressLine().Matches(stderr).LastOrDefault();
        if (last is null)
        {
            return 0;
        }
        var value = double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture);
        return value * Math.Pow(1024, Array.IndexOf(["B", "KiB", "MiB", "GiB"], last.Groups[2].Value));
    }

    [GeneratedRegex(@"^slow \[1/1\] \[[#.]{24}\] +\d+% ([\d.]+) (B|KiB|MiB|GiB) ", RegexOptions.Multiline)]
    private static partial Regex ProgressLine();

    [GeneratedRegex(@"^slow: cancelled in \S+, \d+ file\(s\) / (.+) transferred", RegexOptions.Multiline)]
    private static partial Regex Summary();
}

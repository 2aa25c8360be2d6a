using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Resilience;

public sealed class CancelTests
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
}

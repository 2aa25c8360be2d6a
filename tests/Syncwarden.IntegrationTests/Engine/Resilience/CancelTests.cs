using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Resilience;

public sealed class CancelTests
{
    [Fact]
    public async Task Sigterm_during_run_stops_rsync_and_records_cancelled()
    {
        // Arrange: a transfer slow enough to be caught in the middle.
        using var dir = new TempDir("cancel");
        var source = dir.CreateSubdirectory("src", "work");
        Interruption.BuildSource(source);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Job("slow", $$"""
            direction: local
            bandwidth: 4000
            syncs:
              - { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(replica)}} }
            """);
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

        var history = await config.RunCliAsync("history", "slow", "--json");
        history.ExitCode.Should().Be(0, history.ToString());
        using var runs = JsonDocument.Parse(history.StandardOutput);
        var recorded = runs.RootElement.EnumerateArray().Should().ContainSingle().Subject;
        recorded.GetProperty("result").GetString().Should().Be("cancelled");
        recorded.GetProperty("error").GetString().Should().Contain("cancelled");
        recorded.GetProperty("endedAt").ValueKind.Should().NotBe(JsonValueKind.Null);
    }
}

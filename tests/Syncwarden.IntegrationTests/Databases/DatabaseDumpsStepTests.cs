using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Databases;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Processes;
using Syncwarden.Runs;
using Syncwarden.Runs.Steps;

namespace Syncwarden.IntegrationTests.Databases;

/// <summary>The dump step's events and results, with the real pg_dump against a port where no server listens.</summary>
public sealed class DatabaseDumpsStepTests
{
    private sealed class EventRecorder : IRunEventSubscriber
    {
        public List<RunEvent> Seen { get; } = [];
        public string Name => "event recorder";

        public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(runEvent);
            }
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<(RunRecord? Before, RunRecord After, List<RunEvent> Events)> RunStepAsync(TempDir dir, bool optional)
    {
        var dump = new DatabaseDump { Type = DatabaseType.Postgresql, Name = "app", Host = "127.0.0.1", Port = SshServer.GetFreeLoopbackPort(), Optional = optional, FileName = "postgresql-app.dump" };
        var job = new JobConfig
        {
            Name = "j", Syncs = [new SyncPair { Source = dir.Combine("src"), Destination = dir.Combine("replica") }],
            Databases = [dump], DumpDir = dir.Combine("src", "db-dumps"),
        };
        var config = new SyncwardenConfig { SourceFile = dir.Combine("c.yaml"), StateDir = dir.CreateSubdirectory("state"), Jobs = [job] };
        var recorder = new EventRecorder();
        var hub = new RunEventHub([recorder], NullLogger<RunEventHub>.Instance);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var context = new RunContext(config, job, RunTrigger.Manual, hub, time, CancellationToken.None, CancellationToken.None);
        var step = new DatabaseDumpsStep(new DatabaseDumper(new ProcessRunner(), time), NullLogger.Instance);
        using (var log = new RunLog(dir.Combine("run.log"), time))
        {
            context.Log = log;
            var before = await step.BeforeAsync(context);
            var after = await step.AfterAsync(context, context.End(RunResult.Succeeded, null));
            await hub.StopAsync(TimeSpan.FromSeconds(10));
            return (before, after, recorder.Seen);
        }
    }

    [Fact]
    public async Task An_optional_failed_dump_publishes_a_run_warning_and_turns_success_into_a_warning()
    {
        // Arrange
        using var dir = new TempDir("db-step");

        // Act
        var (before, after, events) = await RunStepAsync(dir, optional: true);

        // Assert
        before.Should().BeNull("an optional dump lets the run go on to the syncs");
        events.OfType<RunStageChanged>().Should().Contain(e => e.Stage == RunPhase.Dumping && e.Detail == "postgresql app");
        events.OfType<RunWarning>().Should().ContainSingle().Which.Message.Should().Contain("the dump of postgresql app failed").And.Contain("optional");
        after.Result.Should().Be(RunResult.Warning);
        after.Error.Should().Contain("pg_dump exited with 1");
        File.Exists(dir.Combine("src", "db-dumps", "postgresql-app.dump")).Should().BeFalse();
        Directory.GetFiles(dir.Combine("src", "db-dumps")).Should().BeEmpty("the partial dump is removed");
    }

    [Fact]
    public async Task A_failed_dump_that_is_not_optional_ends_the_run_as_failed_before_the_syncs()
    {
        // Arrange
        using var dir = new TempDir("db-step");

        // Act
        var (before, _, events) = await RunStepAsync(dir, optional: false);

        // Assert
        before.Should().NotBeNull("the step stops the run");
        before!.Result.Should().Be(RunResult.Failed);
        before.Error.Should().StartWith("the dump of postgresql app failed: pg_dump exited with 1").And.EndWith(RunContext.AbortedBeforeTransfer);
        events.OfType<RunWarning>().Should().BeEmpty();
    }
}

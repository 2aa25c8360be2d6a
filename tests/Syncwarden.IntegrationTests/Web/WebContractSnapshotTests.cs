using System.Text.Json;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Cli;
using Syncwarden.Rsync;
using Syncwarden.Runs;
using Syncwarden.Web;

namespace Syncwarden.IntegrationTests.Web;

/// <summary>
/// The server-sent events of /api/events (names and JSON fields) are a contract for pages and scripts, like the CLI's JSON:
/// a change must be deliberate (UPDATE_SNAPSHOTS=1, see <see cref="ContractSnapshotTests"/>).
/// </summary>
public sealed class WebContractSnapshotTests
{
    [Fact]
    public void Event_stream_names_and_fields_match_the_snapshot()
    {
        // Arrange: one of every event the stream sends, as the web layer serialises it.
        var at = DateTimeOffset.UnixEpoch;
        var run = new RunRecord { Id = 1, Job = "j", StartedAt = at, FailedPaths = ["x"] };
        RunEvent[] events =
        [
            new RunStarted(at, run, 1),
            new RunStageChanged(at, "j", 1, RunPhase.Transferring, 0, 1, "a -> b", null),
            new RunWaiting(at, "j", 1, "lock"),
            new RunProgressed(at, "j", 1, 0, 1, "a -> b", new RsyncProgress(1, 2, 3, TimeSpan.FromSeconds(4), null, 5, 6)),
            new RunWarning(at, "j", 1, "warning"),
            new RunDeviceUsed(at, "j", 1, "0a1b2c3d-4e5f-6789-abcd-ef0123456789", "/mnt/disk", ["owner@example.net"], 1, 2, false),
            new RunFinished(at, run with { EndedAt = at, Result = RunResult.Succeeded }),
            new RunMissed(at, "j", at, "still running", 1),
            new ConfigurationReloaded(at, true, 1, ["e"]),
            new DaemonReady(at, 1, 1),
            new DaemonWaiting(at, at, true),
            new VerifyFinished(at, new Syncwarden.Verification.VerifyRecord { Id = 1, Job = "j", StartedAt = at, EndedAt = at, Corrupt = ["x"], CorruptCount = 1 }),
        ];

        // Act
        var lines = events.Select(e =>
        {
            var json = JsonSerializer.Serialize(e, WebJson.Readable.GetTypeInfo(e.GetType())!);
            return $"{e.GetType().Name}: {string.Join(", ", ContractSnapshotTests.FieldPaths(JsonDocument.Parse(json).RootElement, ""))}";
        });

        // Assert
        typeof(RunEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RunEvent)) && !t.IsAbstract)
            .Should().BeEquivalentTo(events.Select(e => e.GetType()), "every event is streamed (registered in WebJson) and snapshotted here");
        ContractSnapshotTests.Verify("web-events.txt", string.Join('\n', lines) + "\n");
    }
}

using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Status;

/// <summary>The daemon's status file, written by the real daemon process.</summary>
public sealed class StatusFileTests
{
    [Fact]
    public async Task The_daemon_rewrites_its_status_file_with_every_job_and_no_secrets()
    {
        // Arrange: a job run by SIGHUP, a status file outside the state dir, rewritten every second.
        using var dir = new TempDir("status-file");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.bin", 1000);
        var statusPath = dir.Combine("run/status.json");
        var config = new TestConfig(dir).Job("tick", $$"""
            direction: local
            schedule: "0 0 1 1 *"
            catch-up: false
            stale-after: 3d
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);
        config.Write();
        File.AppendAllText(config.ConfigPath, $"status-file: {{ path: {TestConfig.Q(statusPath)}, every: 1s }}\n");

        // Act (started directly: StartCliAsync would write the file again, without the status-file line)
        await using var daemon = await SyncwardenCli.StartAsync(["-c", config.ConfigPath, "daemon"]);
        var first = await WaitForAsync(statusPath, doc => doc.GetProperty("jobs")[0].GetProperty("lastResult").ValueKind == JsonValueKind.Null);
        await daemon.SignalAsync("HUP");
        var after = await WaitForAsync(statusPath, doc => doc.GetProperty("jobs")[0].GetProperty("lastResult").GetString() == "succeeded");
        await daemon.TerminateAsync();
        (await daemon.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode.Should().Be(0);

        // Assert
        first.Should().NotBeNull(daemon.StandardErrorSoFar);
        after.Should().NotBeNull(daemon.StandardErrorSoFar);
        var job = after!.Value.GetProperty("jobs")[0];
        job.GetProperty("job").GetString().Should().Be("tick");
        job.GetProperty("state").GetString().Should().Be("idle");
        job.GetProperty("staleAfter").GetDouble().Should().Be(3 * 86400);
        job.GetProperty("stale").GetBoolean().Should().BeFalse();
        job.GetProperty("lastSyncTime").GetDateTimeOffset().Should().BeAfter(first!.Value.GetProperty("writtenAt").GetDateTimeOffset());
        after.Value.GetProperty("pid").GetInt32().Should().Be(daemon.ProcessId);
        File.GetUnixFileMode(statusPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Directory.GetFiles(Path.GetDirectoryName(statusPath)!).Should().Equal(statusPath);
    }

    /// <summary>The status file once it parses and matches; null if it does not within 30 s.</summary>
    private static async Task<JsonElement?> WaitForAsync(string path, Func<JsonElement, bool> match)
    {
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < end)
        {
            if (File.Exists(path))
            {
                // Renamed into place whole: it always parses.
                var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement.Clone();
                if (match(doc))
                {
                    return doc;
                }
            }
            await Task.Delay(200);
        }
        return null;
    }
}

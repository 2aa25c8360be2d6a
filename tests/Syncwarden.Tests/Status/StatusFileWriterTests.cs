using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Tests.Status;

public sealed class StatusFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sw-status-file-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SyncwardenConfig Config => new()
    {
        SourceFile = Path.Combine(_dir, "syncwarden.yaml"),
        StateDir = _dir,
        StatusFile = new StatusFileSettings { Every = TimeSpan.FromSeconds(10) },
        Jobs = [new JobConfig { Name = "j", Syncs = [new SyncPair { Source = "/a", Destination = "/b" }] }],
    };

    private JsonElement Read() => JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "status.json"))).RootElement.Clone();

    private async Task<JsonElement> WaitForWriteAfterAsync(DateTimeOffset after)
    {
        // The writer runs on the thread pool (BackgroundService starts ExecuteAsync there); the clock does not move while waiting.
        for (var i = 0; i < 500; i++)
        {
            if (File.Exists(Path.Combine(_dir, "status.json")) && Read().GetProperty("writtenAt").GetDateTimeOffset() > after)
            {
                return Read();
            }
            await Task.Delay(10);
        }
        throw new TimeoutException("the status file was not written again");
    }

    [Fact]
    public async Task Written_at_start_then_every_interval_of_the_clock_and_at_stop()
    {
        // Arrange
        using var history = HistoryStore.Open(_dir);
        var config = Config;
        var writer = new StatusFileWriter(new LiveConfiguration(config, () => new ConfigLoadResult(config, [])),
            new JobStatusQuery(history, _time), _time, NullLogger<StatusFileWriter>.Instance);
        var start = _time.GetUtcNow();

        // Act: start, a run is recorded, the clock moves one interval, stop.
        await writer.StartAsync(CancellationToken.None);
        var first = await WaitForWriteAfterAsync(start.AddTicks(-1));
        var id = history.Insert(new RunRecord { Job = "j", StartedAt = start, ProcessId = Environment.ProcessId });
        history.Update(new RunRecord { Id = id, Job = "j", StartedAt = start, EndedAt = start.AddSeconds(3), Result = RunResult.Succeeded });
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await WaitForWriteAfterAsync(start);
        _time.Advance(TimeSpan.FromSeconds(1));
        await writer.StopAsync(CancellationToken.None);
        var last = Read();

        // Assert
        first.GetProperty("writtenAt").GetDateTimeOffset().Should().Be(start);
        first.GetProperty("jobs")[0].GetProperty("lastResult").ValueKind.Should().Be(JsonValueKind.Null);
        second.GetProperty("writtenAt").GetDateTimeOffset().Should().Be(start.AddSeconds(10));
        second.GetProperty("jobs")[0].GetProperty("lastResult").GetString().Should().Be("succeeded");
        second.GetProperty("jobs")[0].GetProperty("lastSyncDuration").GetDouble().Should().Be(3);
        second.GetProperty("pid").GetInt32().Should().Be(Environment.ProcessId);
        last.GetProperty("writtenAt").GetDateTimeOffset().Should().Be(start.AddSeconds(11));
        Directory.GetFiles(_dir, ".status.json*").Should().BeEmpty("the temporary file is renamed into place");
    }

    [Fact]
    public async Task A_status_file_that_cannot_be_written_does_not_stop_the_writer()
    {
        // Arrange: the parent of the status file is a regular file.
        File.WriteAllText(Path.Combine(_dir, "blocker"), "");
        using var history = HistoryStore.Open(_dir);
        var config = Config with { StatusFile = new StatusFileSettings { Path = Path.Combine(_dir, "blocker", "status.json") } };
        var writer = new StatusFileWriter(new LiveConfiguration(config, () => new ConfigLoadResult(config, [])),
            new JobStatusQuery(history, _time), _time, NullLogger<StatusFileWriter>.Instance);

        // Act
        var act = async () =>
        {
            await writer.StartAsync(CancellationToken.None);
            await writer.StopAsync(CancellationToken.None);
        };

        // Assert
        await act.Should().NotThrowAsync();
    }
}

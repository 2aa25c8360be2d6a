using Syncwarden.History;

namespace Syncwarden.Tests.History;

public sealed class HistoryStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sw-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RunRecord Started(string job, DateTimeOffset at, int? pid = null) => new() { Job = job, StartedAt = at, ProcessId = pid ?? Environment.ProcessId };

    [Fact]
    public void A_finished_run_reads_back_with_every_field()
    {
        using var store = HistoryStore.Open(_dir);
        var start = new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero);
        var id = store.Insert(Started("nightly", start));

        store.Update(new RunRecord
        {
            Id = id, Job = "nightly", StartedAt = start, EndedAt = start.AddSeconds(42), Result = RunResult.Failed, ExitCode = 23,
            Error = "rsync error", FilesTransferred = 7, BytesTransferred = 1234, TotalSize = 99999, FilesDeleted = 2,
            FailedPaths = ["/a b", "/c\"d"], LogFile = "/var/lib/syncwarden/logs/x.log",
        });

        var run = store.Get(id)!;
        run.Result.Should().Be(RunResult.Failed);
        run.Duration.Should().Be(TimeSpan.FromSeconds(42));
        run.ExitCode.Should().Be(23);
        run.FailedPaths.Should().Equal("/a b", "/c\"d");
        (run.FilesTransferred, run.BytesTransferred, run.TotalSize, run.FilesDeleted).Should().Be((7L, 1234L, 99999L, 2L));
        run.LogFile.Should().Be("/var/lib/syncwarden/logs/x.log");
    }

    [Fact]
    public void The_write_ahead_log_that_every_run_reads_at_open_stays_short_over_many_runs()
    {
        // Arrange: 200 runs as `syncwarden run` makes them, each opening and closing the history. The WAL is left in
        // place between runs (no checkpoint at close), and whoever opens the database first reads all of it.
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var largest = 0L;

        // Act
        for (var i = 0; i < 200; i++)
        {
            using (var store = HistoryStore.Open(_dir))
            {
                var id = store.Insert(Started("every-minute", start.AddMinutes(i)));
                store.Update(new RunRecord
                {
                    Id = id, Job = "every-minute", StartedAt = start.AddMinutes(i), EndedAt = start.AddMinutes(i).AddSeconds(1),
                    Result = RunResult.Succeeded, ExitCode = 0, FilesTransferred = i, LogFile = $"/var/lib/syncwarden/logs/{i}.log",
                });
            }
            largest = Math.Max(largest, new FileInfo(Path.Combine(_dir, "history.db-wal")).Length);
        }

        // Assert: a frame is a 4 KiB page and a 24-byte header; 100 pages is the checkpoint threshold, and the last
        // run before a checkpoint may pass it by its own few pages.
        using var reopened = HistoryStore.Open(_dir);
        reopened.History("every-minute", 1000).Should().HaveCount(200);
        largest.Should().BeLessThan(120 * (4096 + 24), "SQLite's default threshold of 1000 pages let it grow to 4 MiB");
    }

    [Fact]
    public void History_survives_reopening_and_lists_newest_first()
    {
        var t = DateTimeOffset.UtcNow;
        using (var store = HistoryStore.Open(_dir))
        {
            store.Insert(Started("a", t));
            store.Insert(Started("b", t.AddMinutes(1)));
            store.Insert(Started("a", t.AddMinutes(2)));
        }

        using var reopened = HistoryStore.Open(_dir);
        reopened.History(null, 10).Select(r => r.Job).Should().Equal("a", "b", "a");
        reopened.History("a", 1).Single().StartedAt.Should().BeCloseTo(t.AddMinutes(2), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Runs_of_a_dead_process_are_closed_as_failed_interrupted()
    {
        using var store = HistoryStore.Open(_dir);
        var dead = store.Insert(Started("a", DateTimeOffset.UtcNow, pid: 999_999));
        var alive = store.Insert(Started("b", DateTimeOffset.UtcNow, pid: 4242));

        var closed = store.CloseAbandonedRuns(pid => pid == 4242, DateTimeOffset.UtcNow);

        closed.Should().Be(1);
        store.Get(dead)!.Result.Should().Be(RunResult.Failed);
        store.Get(dead)!.Error.Should().Contain("interrupted");
        store.Get(alive)!.Result.Should().Be(RunResult.Running);
    }

    [Fact]
    public void Last_success_skips_failed_runs()
    {
        using var store = HistoryStore.Open(_dir);
        var t = DateTimeOffset.UtcNow;
        var ok = store.Insert(Started("a", t));
        store.Update(new RunRecord { Id = ok, Job = "a", StartedAt = t, EndedAt = t.AddSeconds(1), Result = RunResult.Warning });
        var bad = store.Insert(Started("a", t.AddMinutes(1)));
        store.Update(new RunRecord { Id = bad, Job = "a", StartedAt = t.AddMinutes(1), EndedAt = t.AddMinutes(2), Result = RunResult.Failed });

        store.LastRun("a")!.Id.Should().Be(bad);
        store.LastSuccess("a")!.Id.Should().Be(ok);
    }

    [Fact]
    public void Log_files_beyond_the_retention_are_listed_oldest_last()
    {
        using var store = HistoryStore.Open(_dir);
        var ids = Enumerable.Range(0, 5).Select(i => store.Insert(Started("a", DateTimeOffset.UtcNow) with { LogFile = $"/logs/{i}.log" })).ToList();

        store.LogFilesBeyond(3).Select(x => x.Id).Should().Equal(ids[1], ids[0]);
        store.ForgetLogFile(ids[0]);
        store.LogFilesBeyond(3).Select(x => x.Id).Should().Equal(ids[1]);
    }

    [Fact]
    public async Task A_second_connection_reads_while_the_first_writes()
    {
        using var writer = HistoryStore.Open(_dir);
        using var reader = HistoryStore.Open(_dir);
        var write = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                writer.Insert(Started("w", DateTimeOffset.UtcNow));
            }
        });
        var reads = 0;
        while (!write.IsCompleted)
        {
            _ = reader.History("w", 5);
            reads++;
        }
        await write;

        reader.History("w", 1000).Should().HaveCount(200);
        reads.Should().BeGreaterThan(0);
    }
}

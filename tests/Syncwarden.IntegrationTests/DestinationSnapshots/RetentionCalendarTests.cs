using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Runs;
using Syncwarden.Snapshots;
using Syncwarden.Status;

namespace Syncwarden.IntegrationTests.DestinationSnapshots;

/// <summary>
/// Retention on a simulated calendar: real runs (rsync, a loop-mounted ext4) in-process with the clock injected, so
/// each run's snapshot is named by the fake date and pruning after it sees months of history in seconds.
/// </summary>
public sealed class RetentionCalendarTests
{
    private static DateTimeOffset Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Retention_keeps_exactly_the_gfs_set_on_a_simulated_calendar()
    {
        // Arrange
        using var dir = new TempDir("snap-calendar");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("data.bin", 100_000);
        var store = fs.Combine("replica");
        var job = new JobConfig
        {
            Name = "cal",
            Syncs = [new SyncPair { Source = source + "/", Destination = store }],
            Snapshots = new SnapshotSettings { Method = SnapshotMethod.LinkDest, Keep = new RetentionPolicy { Last = 2, Daily = 3, Weekly = 3, Monthly = 3 } },
        };
        var config = new SyncwardenConfig
        {
            SourceFile = dir.Combine("syncwarden.yaml"),
            StateDir = dir.CreateSubdirectory("state"),
            Daemon = new DaemonSettings { TimeZone = "UTC" },
            Jobs = [job],
        };
        var clock = new FakeTimeProvider(Utc(10, 1, 2));
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(clock);
        services.AddSyncwarden(config, () => new ConfigLoadResult(config, []));
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<JobRunner>();
        // Thu Oct 1, Thu Oct 15, Sat Oct 31, Mon Nov 2 (week 45), Fri Nov 20 (47), Sun Nov 29 (48), Mon Nov 30 01:00 and 05:00 (49), Tue Dec 1.
        DateTimeOffset[] calendar = [Utc(10, 1, 2), Utc(10, 15, 2), Utc(10, 31, 2), Utc(11, 2, 2), Utc(11, 20, 2), Utc(11, 29, 2), Utc(11, 30, 1), Utc(11, 30, 5), Utc(12, 1, 2)];
        IReadOnlyList<string>? afterFourthRun = null;

        // Act
        foreach (var at in calendar)
        {
            clock.SetUtcNow(at);
            // Same size every time: its mtime tells rsync's quick check that it changed (the runs take under a second).
            File.WriteAllText(Path.Combine(source, "day.txt"), SnapshotName.For(at));
            File.SetLastWriteTimeUtc(Path.Combine(source, "day.txt"), at.UtcDateTime);
            var record = await runner.RunAsync(job);
            record.Result.Should().Be(RunResult.Succeeded, record.Error);
            if (at == Utc(11, 2, 2))
            {
                afterFourthRun = SnapshotFiles.Names(store);
            }
        }

        // Assert: worked out by hand. On Nov 2 only Oct 1 had fallen out (daily 3 and weekly 3 hold Oct 15, 31 and Nov 2).
        afterFourthRun.Should().Equal(SnapshotName.For(Utc(10, 15, 2)), SnapshotName.For(Utc(10, 31, 2)), SnapshotName.For(Utc(11, 2, 2)));
        // At the end: last 2 (Dec 1, Nov 30 05:00), daily 3 (+ Nov 29), weekly 3 (+ Nov 20), monthly 3 (+ Oct 31).
        string[] kept = [.. new[] { Utc(10, 31, 2), Utc(11, 20, 2), Utc(11, 29, 2), Utc(11, 30, 5), Utc(12, 1, 2) }.Select(SnapshotName.For)];
        SnapshotFiles.Names(store).Should().Equal(kept);
        SnapshotFiles.Latest(store).Should().Be(kept[^1]);
        foreach (var name in kept)
        {
            File.ReadAllText(Path.Combine(store, name, "day.txt")).Should().Be(name, "each snapshot holds the source of its own day");
        }
        var status = new JobStatusQuery(provider.GetRequiredService<HistoryStore>(), clock).For(config, job);
        status.LatestSnapshot.Should().Be(kept[^1]);
    }
}

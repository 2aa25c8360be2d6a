using Syncwarden.IntegrationTests.Engine.Resilience;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Snapshots;

namespace Syncwarden.IntegrationTests.DestinationSnapshots;

/// <summary>
/// snapshots: { method: link-dest } with the real CLI, real rsync and a real ext4 filesystem on a loop device made
/// by each test: one snapshot per successful run, unchanged files hard-linked, an interrupted run harmless, restore.
/// </summary>
public sealed class LinkDestSnapshotTests
{
    /// <summary>A local job "snap" from dir/src to the loop filesystem's replica folder.</summary>
    private static (TestConfig Config, string Source, string Store) Job(TempDir dir, LoopFilesystem fs, string snapshots, string extra = "")
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("docs/report.txt", "quarterly figures\n").File("docs/big.bin", 200_000).File("photo.jpg", 50_000).Directory("empty");
        var store = fs.Combine("replica");
        var config = new TestConfig(dir).Pair("snap", "local", source + "/", store, $"snapshots: {snapshots}\n{extra}");
        return (config, source, store);
    }

    [Fact]
    public async Task Link_dest_runs_with_changes_make_one_snapshot_each_and_unchanged_files_share_inodes()
    {
        // Arrange
        using var dir = new TempDir("snap-linkdest");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, source, store) = Job(dir, fs, "{ method: link-dest }");
        var expected = new List<string>();

        // Act: three runs, the source changing between them.
        for (var run = 1; run <= 3; run++)
        {
            if (run > 1)
            {
                File.WriteAllText(Path.Combine(source, "docs", "report.txt"), $"quarterly figures, revision {run}\n" + new string('+', run)); // another size: no quick-check miss within one second
                File.WriteAllText(Path.Combine(source, "docs", $"new-{run}.txt"), $"added before run {run}\n");
            }
            var result = await config.RunCliAsync("run", "snap", "--json");
            result.ExitCode.Should().Be(0, result.ToString());
            expected.Add(await SnapshotFiles.KeepCopyAsync(dir, source, run.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        // Assert: three snapshots, each the source as it was, latest the newest, nothing of ours left beside them.
        var names = SnapshotFiles.Names(store);
        names.Should().HaveCount(3);
        for (var i = 0; i < 3; i++)
        {
            (await SnapshotFiles.DifferencesAsync(expected[i], Path.Combine(store, names[i]))).Should().BeEmpty($"snapshot {names[i]} is the source of run {i + 1}");
        }
        SnapshotFiles.Latest(store).Should().Be(names[2]);
        Directory.GetLastWriteTimeUtc(Path.Combine(store, names[2])).Should().Be(Directory.GetLastWriteTimeUtc(source), "the snapshot's top folder is the source folder, with its time");
        Directory.EnumerateFileSystemEntries(store).Select(Path.GetFileName).Should().BeEquivalentTo([.. names, "latest"]);

        // Unchanged files are one inode in every snapshot; a changed file is a new one.
        var unchanged = await SnapshotFiles.InodesAsync([.. names.Select(n => Path.Combine(store, n, "docs", "big.bin"))]);
        unchanged.Distinct().Should().ContainSingle("big.bin never changed, so every snapshot links the first copy");
        var changed = await SnapshotFiles.InodesAsync([.. names.Select(n => Path.Combine(store, n, "docs", "report.txt"))]);
        changed.Distinct().Should().HaveCount(3);

        var status = SnapshotFiles.JsonRows(await config.RunCliAsync("status", "--json"));
        status[0].GetProperty("latestSnapshot").GetString().Should().Be(names[2]);
        var listed = SnapshotFiles.JsonRows(await config.RunCliAsync("snapshots", "list", "snap", "--json"));
        listed.Select(r => r.GetProperty("name").GetString()).Should().Equal(names);
        listed.Select(r => r.GetProperty("latest").GetBoolean()).Should().Equal(false, false, true);
    }

    [Fact]
    public async Task Killed_run_leaves_latest_and_old_snapshots_intact_and_the_next_run_succeeds()
    {
        // Arrange: two good runs, then a big new file sent at 2000 KiB/s.
        using var dir = new TempDir("snap-kill");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, source, store) = Job(dir, fs, "{ method: link-dest, keep: { last: 1 } }", "bandwidth: 2000");
        var first = await config.RunCliAsync("run", "snap");
        first.ExitCode.Should().Be(0, first.ToString());
        File.WriteAllText(Path.Combine(source, "docs", "report.txt"), "second version\n");
        var second = await config.RunCliAsync("run", "snap");
        second.ExitCode.Should().Be(0, second.ToString());
        var before = SnapshotFiles.Names(store);
        var latest = SnapshotFiles.Latest(store);
        var latestCopy = await SnapshotFiles.KeepCopyAsync(dir, Path.Combine(store, latest!), "latest");
        var sharedInode = (await SnapshotFiles.InodesAsync(Path.Combine(store, latest!, "photo.jpg")))[0];
        File.WriteAllText(Path.Combine(source, "docs", "report.txt"), "third version\n");
        new TreeBuilder(source).File("video.bin", 12 * 1024 * 1024);
        var inProgress = Path.Combine(store, SnapshotName.InProgress);

        // Act: SIGKILL syncwarden while rsync writes the big file into the in-progress folder.
        await using (var cli = await config.StartCliAsync("run", "snap", "--no-progress"))
        {
            await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(inProgress) > 2_000_000, "rsync writing video.bin", cli);
            (await cli.KillAsync()).Should().BeTrue();
            await cli.WaitAsync(TimeSpan.FromSeconds(10));
        }
        (await Interruption.WaitForRsyncGoneAsync(dir.Path, TimeSpan.FromSeconds(10))).Should().BeEmpty("rsync dies with syncwarden");

        // Assert: latest and the old snapshot untouched, no new snapshot, retention did not run.
        SnapshotFiles.Names(store).Should().Equal(before);
        SnapshotFiles.Latest(store).Should().Be(latest);
        (await SnapshotFiles.DifferencesAsync(latestCopy, Path.Combine(store, latest!))).Should().BeEmpty();
        (await SnapshotFiles.InodesAsync(Path.Combine(store, latest!, "photo.jpg")))[0].Should().Be(sharedInode);
        Directory.Exists(inProgress).Should().BeTrue("the unfinished run's folder waits for the next run");

        // Act and assert: the next run completes a new snapshot from the leftover folder.
        var rerun = await config.RunCliAsync("run", "snap", "--json");
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        var after = SnapshotFiles.Names(store);
        after.Should().ContainSingle("keep last 1 pruned the older snapshots after the good run");
        SnapshotFiles.Latest(store).Should().Be(after[0]);
        (await SnapshotFiles.DifferencesAsync(source, Path.Combine(store, after[0]))).Should().BeEmpty();
        Directory.Exists(inProgress).Should().BeFalse();
    }
}

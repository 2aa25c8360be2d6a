using System.Globalization;
using Syncwarden.IntegrationTests.Engine.Ssh;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.PointInTime;

/// <summary>
/// <c>source-snapshot: btrfs</c> on a btrfs filesystem made by each test (an image file, loop-mounted): the syncs read
/// a read-only snapshot, so files changed during the transfer still give a replica of one instant; no snapshot is
/// left afterwards, and one left by a killed run is removed by the next.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class SourceSnapshotTests(SshServerFixture fixture)
{
    // Sorted around the big file, so rsync copies the first counters seconds before the last ones.
    private static readonly string[] s_counters = ["a1.txt", "a2.txt", "z1.txt", "z2.txt"];
    private const string SnapshotFolder = ".syncwarden-snapshots";

    /// <summary>Rewrites every counter file with the same rising number, in order, until cancelled.</summary>
    private static async Task WriteCountersAsync(string source, CancellationToken cancellationToken)
    {
        for (var n = 1; !cancellationToken.IsCancellationRequested; n++)
        {
            foreach (var name in s_counters)
            {
                // A new file renamed over the old: a snapshot sees the old number or the new, never half a write.
                var temp = Path.Combine(source, "tmp", name);
                await File.WriteAllTextAsync(temp, n.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
                File.Move(temp, Path.Combine(source, name), overwrite: true);
            }
            await Task.Delay(5, CancellationToken.None);
        }
    }

    private static int Counter(string root, string name) => int.Parse(File.ReadAllText(Path.Combine(root, name)), CultureInfo.InvariantCulture);

    /// <summary>The first snapshot a run took below <paramref name="folder"/> (FOLDER/JOB-RUN/N/NAME), once it exists.</summary>
    private static async Task<string> WaitForSnapshotAsync(string folder, RunningProcess run)
    {
        for (var i = 0; i < 600; i++)
        {
            if (Directory.Exists(folder) && Directory.EnumerateDirectories(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2 })
                    .FirstOrDefault(d => Path.GetRelativePath(folder, d).Count(c => c == '/') == 2) is { } snapshot)
            {
                return snapshot;
            }
            run.HasExited.Should().BeFalse("the run is still transferring: " + run.StandardErrorSoFar);
            await Task.Delay(50);
        }
        throw new TimeoutException("no snapshot appeared in " + folder);
    }

    [Fact]
    public async Task Files_changed_during_the_sync_give_a_replica_of_one_instant()
    {
        // Arrange: a subvolume with counters around a big file that takes seconds at the bandwidth limit.
        using var dir = new TempDir("source-snapshot");
        await using var volume = await BtrfsVolume.CreateAsync(dir);
        var source = await volume.CreateSubvolumeAsync("data");
        new TreeBuilder(source).File("m-big.bin", 1536 * 1024).Directory("tmp");
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", source + "/", replica, "source-snapshot: btrfs\nbandwidth: 512");
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(() => WriteCountersAsync(source, stopWriting.Token));
        try
        {
            // Act: capture the snapshot's content while the sync reads it.
            await using var run = await config.StartCliAsync("run", "j", "--json", "--no-progress");
            var snapshot = await WaitForSnapshotAsync(volume.Combine(SnapshotFolder), run);
            var atSnapshot = await TreeComparer.SnapshotAsync(snapshot);
            var result = await run.WaitAsync(TimeSpan.FromSeconds(120));
            await stopWriting.CancelAsync();
            await writer;

            // Assert
            result.ExitCode.Should().Be(0, result.ToString());
            var copied = await TreeComparer.SnapshotAsync(replica);
            copied.Should().BeEquivalentTo(atSnapshot, "the replica is the snapshot, byte for byte");
            var values = s_counters.Select(name => Counter(replica, name)).ToList();
            values.Should().BeInDescendingOrder("one instant of the writer: each counter is the same number or one behind the one written before it")
                .And.Subject.Max().Should().BeLessThanOrEqualTo(values.Min() + 1);
            Counter(source, "a1.txt").Should().BeGreaterThan(values.Max(), "the writer went on during the transfer, so copying the live files would have torn the pairs");
            Directory.Exists(volume.Combine(SnapshotFolder)).Should().BeFalse("the snapshot and its folder are deleted after the run");
            (await volume.SubvolumesAsync()).Should().Equal("data");
            RunOutput.Parse(result).Log.Should().Contain("source snapshot: " + source + "/ on this machine ->").And.Contain("source snapshot(s) deleted");
        }
        finally
        {
            await stopWriting.CancelAsync();
            await writer;
        }
    }

    [Fact]
    public async Task Snapshot_left_by_a_killed_run_is_deleted_by_the_next_run()
    {
        // Arrange
        using var dir = new TempDir("source-snapshot-kill");
        await using var volume = await BtrfsVolume.CreateAsync(dir);
        var source = await volume.CreateSubvolumeAsync("data");
        new TreeBuilder(source).File("big.bin", 1024 * 1024).File("small.txt", 100);
        var stranger = Directory.CreateDirectory(volume.Combine(SnapshotFolder, "someone-else")).FullName;
        File.WriteAllText(Path.Combine(stranger, "keep.txt"), "not ours");
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", source, replica, "source-snapshot: btrfs\nbandwidth: 256");
        await using (var killed = await config.StartCliAsync("run", "j", "--no-progress"))
        {
            var left = await WaitForSnapshotAsync(volume.Combine(SnapshotFolder), killed);
            await killed.KillAsync();
            await killed.WaitAsync(TimeSpan.FromSeconds(30));
            Directory.Exists(left).Should().BeTrue("SIGKILL gave the run no chance to clean up");
        }

        // Act
        var next = await config.RunCliAsync(TimeSpan.FromSeconds(120), "run", "j", "--json");

        // Assert
        next.ExitCode.Should().Be(0, next.ToString());
        (await volume.SubvolumesAsync()).Should().Equal("data");
        Directory.EnumerateFileSystemEntries(volume.Combine(SnapshotFolder)).Should().Equal([stranger], "only our own snapshots are removed");
        File.ReadAllText(Path.Combine(stranger, "keep.txt")).Should().Be("not ours");
        RunOutput.Parse(next).Log.Should().Contain("removed source snapshot(s) left by an interrupted run");
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(replica, "data"))).Should().BeEmpty("the source's own folder name is kept");
    }

    [Fact]
    public async Task A_source_that_is_not_a_subvolume_fails_before_anything_is_transferred()
    {
        // Arrange: a plain folder on the btrfs filesystem.
        using var dir = new TempDir("source-snapshot-plain");
        await using var volume = await BtrfsVolume.CreateAsync(dir);
        var source = new TreeBuilder(volume.Combine("plain")).File("a.txt", 10).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "local", source + "/", replica, "source-snapshot: btrfs");

        // Act
        var run = await config.RunCliAsync("run", "j", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("failed");
        record.Error.Should().Contain($"source {source}/ on this machine is not a btrfs subvolume").And.Contain("btrfs subvolume create").And.Contain("nothing was transferred");
        Directory.EnumerateFileSystemEntries(replica).Should().BeEmpty();
        Directory.Exists(volume.Combine(SnapshotFolder)).Should().BeFalse();
    }

    [Fact]
    public async Task A_pull_job_snapshots_its_source_on_the_remote_host()
    {
        // Arrange: the test's sshd runs on this machine, so the remote source is the loop-mounted subvolume.
        using var dir = new TempDir("source-snapshot-pull");
        await using var volume = await BtrfsVolume.CreateAsync(dir);
        var source = await volume.CreateSubvolumeAsync("data");
        new TreeBuilder(source).File("a.txt", 1000).File("sub/b.bin", 20_000);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("j", "pull", source + "/", replica, "source-snapshot: btrfs", fixture.Server);

        // Act
        var run = await config.RunCliAsync("run", "j", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, replica)).Should().BeEmpty();
        (await volume.SubvolumesAsync()).Should().Equal("data");
        var log = RunOutput.Parse(run).Log;
        log.Should().Contain($"source snapshot: {source}/ on host 'backup' -> {volume.Combine(SnapshotFolder)}/j-");
        log.Should().Contain($"{fixture.Server.Address}:{volume.Combine(SnapshotFolder)}/j-", "rsync read the snapshot over ssh");
    }
}

using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Snapshots;

namespace Syncwarden.IntegrationTests.DestinationSnapshots;

/// <summary>snapshots: { method: btrfs } on a btrfs filesystem made by the test (mkfs.btrfs on a loop device).</summary>
public sealed class BtrfsSnapshotTests
{
    private static string Version(int run) => $"version {run}\n" + new string('+', run);

    [Fact]
    public async Task Btrfs_snapshots_are_read_only_subvolumes_and_retention_deletes_them_as_subvolumes()
    {
        // Arrange: the destination is a subvolume.
        using var dir = new TempDir("snap-btrfs");
        await using var fs = await LoopFilesystem.CreateAsync("btrfs");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", "one\n").File("sub/b.bin", 64_000);
        var replica = fs.Combine("replica");
        await LoopFilesystem.MustAsync("btrfs", "subvolume", "create", replica);
        var config = new TestConfig(dir).Pair("sub", "local", source + "/", replica, "snapshots: { method: btrfs, keep: { last: 2 } }");
        var root = Path.Combine(replica, SnapshotName.BtrfsFolder);
        var seen = new List<string>();

        // Act: three runs with a change before each.
        for (var run = 1; run <= 3; run++)
        {
            // A different size each time: runs within one second would otherwise pass rsync's quick check (size and time).
            File.WriteAllText(Path.Combine(source, "a.txt"), Version(run));
            var result = await config.RunCliAsync("run", "sub");
            result.ExitCode.Should().Be(0, result.ToString());
            seen.Add(SnapshotFiles.Latest(root)!);
        }

        // Assert: the two newest remain, as read-only subvolumes with their own content; the first was deleted as a subvolume.
        var names = SnapshotFiles.Names(root);
        names.Should().Equal(seen[1], seen[2]);
        for (var i = 0; i < 2; i++)
        {
            var snapshot = Path.Combine(root, names[i]);
            (await LoopFilesystem.MustAsync("btrfs", "property", "get", "-ts", snapshot, "ro")).StandardOutput.Trim().Should().Be("ro=true");
            File.ReadAllText(Path.Combine(snapshot, "a.txt")).Should().Be(Version(i + 2));
        }
        var subvolumes = (await LoopFilesystem.MustAsync("btrfs", "subvolume", "list", "-o", replica)).StandardOutput;
        subvolumes.Should().Contain(names[0]).And.Contain(names[1]).And.NotContain(seen[0]);
        var write = await TestProcess.RunAsync("touch", [Path.Combine(root, names[1], "new")], TimeSpan.FromSeconds(10));
        write.ExitCode.Should().NotBe(0, "a read-only snapshot refuses writes");
        (await File.ReadAllBytesAsync(Path.Combine(root, names[1], "sub", "b.bin"))).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(source, "sub", "b.bin")));
    }

    [Fact]
    public async Task A_destination_that_is_not_a_subvolume_fails_before_anything_is_transferred()
    {
        // Arrange: a plain folder on btrfs.
        using var dir = new TempDir("snap-btrfs-plain");
        await using var fs = await LoopFilesystem.CreateAsync("btrfs");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", "one\n");
        var plain = Directory.CreateDirectory(fs.Combine("plain")).FullName;
        var config = new TestConfig(dir).Pair("sub", "local", source + "/", plain, "snapshots: { method: btrfs }");

        // Act
        var result = await config.RunCliAsync("run", "sub");

        // Assert
        result.ExitCode.Should().Be(1, result.ToString());
        result.StandardOutput.Should().Contain("not a btrfs subvolume").And.Contain("btrfs subvolume create " + plain);
        Directory.EnumerateFileSystemEntries(plain).Should().BeEmpty();
    }
}

using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Snapshots;

namespace Syncwarden.IntegrationTests.DestinationSnapshots;

/// <summary>link-dest snapshots of a push job, made on the remote side over ssh (the test sshd on loopback).</summary>
[Collection(SshCollection.Name)]
public sealed class RemoteSnapshotTests(SshServerFixture fixture)
{
    [Fact]
    public async Task Push_job_with_link_dest_makes_snapshots_on_the_remote_host_and_restores_from_them()
    {
        // Arrange: the sshd runs on this machine, so the "remote" store is a folder on the loop filesystem here.
        using var dir = new TempDir("snap-push");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("keep.bin", 150_000).File("notes.txt", "v1\n");
        var store = fs.Combine("remote-replica");
        var config = new TestConfig(dir).Pair("push", "push", source, store, "snapshots: { method: link-dest, keep: { last: 5 } }", fixture.Server);

        // Act: two runs with a change between them.
        var first = await config.RunCliAsync("run", "push");
        File.WriteAllText(Path.Combine(source, "notes.txt"), "v2, longer\n"); // another size: no quick-check miss within one second
        var second = await config.RunCliAsync("run", "push");
        File.Delete(Path.Combine(source, "notes.txt"));
        var listed = SnapshotFiles.JsonRows(await config.RunCliAsync("snapshots", "list", "push", "--json"));
        var target = dir.Combine("restored");
        var restore = await config.RunCliAsync("restore", "push", "latest", "src/notes.txt", "--to", target);

        // Assert: two snapshots under the remote destination (a sync without a trailing slash keeps its folder name).
        first.ExitCode.Should().Be(0, first.ToString());
        second.ExitCode.Should().Be(0, second.ToString());
        var names = SnapshotFiles.Names(store);
        names.Should().HaveCount(2);
        SnapshotFiles.Latest(store).Should().Be(names[1]);
        var inodes = await SnapshotFiles.InodesAsync([.. names.Select(n => Path.Combine(store, n, "src", "keep.bin"))]);
        inodes.Distinct().Should().ContainSingle("the remote rsync linked the unchanged file to the previous snapshot");
        File.ReadAllText(Path.Combine(store, names[0], "src", "notes.txt")).Should().Be("v1\n");
        File.Exists(Path.Combine(store, SnapshotName.InProgress)).Should().BeFalse();
        listed.Select(r => r.GetProperty("store").GetString()).Should().AllBe($"{TestConfig.PairHost}:{store}");
        listed.Select(r => r.GetProperty("name").GetString()).Should().Equal(names);
        restore.ExitCode.Should().Be(0, restore.ToString());
        File.ReadAllText(Path.Combine(target, "src", "notes.txt")).Should().Be("v2, longer\n");
    }
}

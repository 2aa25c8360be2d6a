using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine;

public sealed class LocalReplicationTests
{
    [Fact]
    public async Task Local_job_with_two_mappings_replicates_both_trees()
    {
        // Arrange
        using var dir = new TempDir("local");
        new TreeBuilder(dir.CreateSubdirectory("src", "work")).File("a.txt", 1000).File("sub/b.bin", 200_000).Symlink("link", "a.txt");
        new TreeBuilder(dir.CreateSubdirectory("src", "prive")).File("c.txt", 5000).File("deep/er/d.txt", 10);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Job("nightly", $$"""
            direction: local
            syncs:
              - { source: {{TestConfig.Q(dir.Combine("src", "work"))}}, destination: {{TestConfig.Q(replica)}} }
              - { source: {{TestConfig.Q(dir.Combine("src", "prive"))}}, destination: {{TestConfig.Q(replica)}}, options: [--delete] }
            """);

        // Act
        var run = await config.RunCliAsync("run", "nightly", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.StandardError);
        (await TreeComparer.DescribeDifferencesAsync(dir.Combine("src", "work"), Path.Combine(replica, "work"))).Should().BeEmpty();
        (await TreeComparer.DescribeDifferencesAsync(dir.Combine("src", "prive"), Path.Combine(replica, "prive"))).Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(replica).Select(Path.GetFileName).Should().BeEquivalentTo(["work", "prive"], "no temp or partial folders are left behind");
        using var json = JsonDocument.Parse(run.StandardOutput);
        var record = json.RootElement[0];
        record.GetProperty("result").GetString().Should().Be("succeeded");
        record.GetProperty("filesTransferred").GetInt64().Should().Be(4);
        record.GetProperty("bytesTransferred").GetInt64().Should().Be(1000 + 200_000 + 5000 + 10);
        File.Exists(record.GetProperty("logFile").GetString()).Should().BeTrue();
    }

    [Fact]
    public async Task With_x_in_the_options_a_file_system_mounted_inside_the_source_is_left_out()
    {
        // Arrange: an ext4 disk mounted (bound) at src/work/disk, with a file on it.
        using var dir = new TempDir("local-one-fs");
        var source = dir.CreateSubdirectory("src", "work");
        new TreeBuilder(source).File("a.txt", 1000).File("sub/b.txt", 2000);
        await using var disk = await LoopFilesystem.CreateAsync("ext4", sizeMb: 32);
        new TreeBuilder(disk.MountPoint).File("on-the-disk.bin", 5000);
        var mountPoint = Path.Combine(source, "disk");
        Directory.CreateDirectory(mountPoint);
        await LoopFilesystem.MustAsync("mount", "--bind", disk.MountPoint, mountPoint);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Pair("one-fs", "local", source, replica, syncOptions: "-x");
        try
        {
            // Act
            var run = await config.RunCliAsync("run", "one-fs", "--json");

            // Assert
            run.ExitCode.Should().Be(0, run.StandardError);
            File.ReadAllBytes(Path.Combine(replica, "work", "sub", "b.txt")).Should().Equal(File.ReadAllBytes(Path.Combine(source, "sub", "b.txt")));
            Directory.Exists(Path.Combine(replica, "work", "disk")).Should().BeTrue("rsync -x keeps the mount point itself");
            Directory.EnumerateFileSystemEntries(Path.Combine(replica, "work", "disk")).Should().BeEmpty("nothing of the other file system is copied");
            using var json = JsonDocument.Parse(run.StandardOutput);
            json.RootElement[0].GetProperty("filesTransferred").GetInt64().Should().Be(2);
        }
        finally
        {
            await LoopFilesystem.MustAsync("umount", mountPoint);
        }
    }
}

using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine;

public sealed class SafetyTests
{
    private static TestConfig DeleteJob(TempDir dir, string source, string destination, string extra = "") =>
        new TestConfig(dir).Pair("mirror", "local", source, destination, extra, syncOptions: "--delete");

    /// <summary>Ten files in src/, replicated to replica/src by a first run of a delete job with <paramref name="maxDelete"/>.</summary>
    private static async Task<(TestConfig Config, string Source, string Replica)> ReplicatedTenFilesAsync(TempDir dir, string maxDelete)
    {
        var source = dir.CreateSubdirectory("src");
        var builder = new TreeBuilder(source);
        for (var i = 0; i < 10; i++)
        {
            builder.File($"f{i}.txt", 100);
        }
        var replica = dir.CreateSubdirectory("replica");
        var config = DeleteJob(dir, source, replica, $"max-delete: {maxDelete}");
        (await config.RunCliAsync("run", "--no-progress")).ExitCode.Should().Be(0);
        return (config, source, replica);
    }

    private static async Task<JsonElement> LastRunAsync(TestConfig config)
    {
        var history = await config.RunCliAsync("history", "--json", "--limit", "1");
        history.ExitCode.Should().Be(0, history.StandardError);
        return JsonDocument.Parse(history.StandardOutput).RootElement[0].Clone();
    }

    [Fact]
    public async Task Delete_with_empty_source_refuses_and_deletes_nothing()
    {
        // Arrange: a replica full of data, and its source now an empty folder (an unmounted disk looks like this).
        using var dir = new TempDir("safety");
        var source = dir.CreateSubdirectory("mnt", "usb");
        var replica = dir.CreateSubdirectory("replica");
        new TreeBuilder(Path.Combine(replica, "usb")).File("precious.txt", 4000).File("more/data.bin", 10_000);
        var before = await TreeComparer.SnapshotAsync(replica);
        var config = DeleteJob(dir, source, replica);

        // Act
        var run = await config.RunCliAsync("run", "mirror", "--no-progress");

        // Assert
        run.ExitCode.Should().Be(1);
        run.StandardOutput.Should().Contain("is empty").And.Contain("allow-empty-source");
        (await TreeComparer.SnapshotAsync(replica)).Keys.Should().BeEquivalentTo(before.Keys);
        var record = await LastRunAsync(config);
        record.GetProperty("result").GetString().Should().Be("failed");
        record.GetProperty("filesDeleted").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task Delete_with_missing_source_refuses_and_deletes_nothing()
    {
        using var dir = new TempDir("safety");
        var replica = dir.CreateSubdirectory("replica");
        new TreeBuilder(Path.Combine(replica, "gone")).File("precious.txt", 4000);
        var config = DeleteJob(dir, dir.Combine("gone"), replica);

        var run = await config.RunCliAsync("run", "mirror", "--no-progress");

        run.ExitCode.Should().Be(1);
        run.StandardOutput.Should().Contain("missing or unreadable").And.Contain("nothing was deleted");
        File.Exists(Path.Combine(replica, "gone", "precious.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Allow_empty_source_lets_an_intentionally_empty_source_empty_the_replica()
    {
        using var dir = new TempDir("safety");
        var source = dir.CreateSubdirectory("src");
        var replica = dir.CreateSubdirectory("replica");
        new TreeBuilder(Path.Combine(replica, "src")).File("old.txt", 10);
        var config = DeleteJob(dir, source, replica, "allow-empty-source: true");

        var run = await config.RunCliAsync("run", "mirror", "--no-progress");

        run.ExitCode.Should().Be(0, run.StandardOutput + run.StandardError);
        Directory.EnumerateFileSystemEntries(Path.Combine(replica, "src")).Should().BeEmpty();
    }

    [Fact]
    public async Task Max_delete_aborts_before_deleting()
    {
        // Arrange: 10 files replicated, then 6 removed at the source; the cap is 5.
        using var dir = new TempDir("safety");
        var (config, source, replica) = await ReplicatedTenFilesAsync(dir, "5");
        for (var i = 0; i < 6; i++)
        {
            File.Delete(Path.Combine(source, $"f{i}.txt"));
        }
        File.WriteAllText(Path.Combine(source, "new.txt"), "new");

        // Act
        var run = await config.RunCliAsync("run", "--no-progress");

        // Assert: refused, nothing deleted and nothing transferred either.
        run.ExitCode.Should().Be(1);
        run.StandardOutput.Should().Contain("would delete 6").And.Contain("max-delete 5");
        Directory.EnumerateFiles(Path.Combine(replica, "src")).Should().HaveCount(10);
        File.Exists(Path.Combine(replica, "src", "new.txt")).Should().BeFalse();

        // A percentage cap that allows it lets the run through.
        config = DeleteJob(dir, source, replica, "max-delete: 70%");
        (await config.RunCliAsync("run", "--no-progress")).ExitCode.Should().Be(0);
        Directory.EnumerateFiles(Path.Combine(replica, "src")).Should().HaveCount(5);
    }

    [Fact]
    public async Task Percentage_max_delete_counts_destination_files()
    {
        using var dir = new TempDir("safety");
        var (config, source, replica) = await ReplicatedTenFilesAsync(dir, "20%");
        for (var i = 0; i < 4; i++)
        {
            File.Delete(Path.Combine(source, $"f{i}.txt"));
        }

        var run = await config.RunCliAsync("run", "--no-progress");

        run.ExitCode.Should().Be(1);
        run.StandardOutput.Should().Contain("would delete 4");
        Directory.EnumerateFiles(Path.Combine(replica, "src")).Should().HaveCount(10);
    }

    [Fact]
    public async Task Destination_whose_parent_is_missing_is_refused_not_created()
    {
        using var dir = new TempDir("safety");
        var source = dir.CreateSubdirectory("src");
        File.WriteAllText(Path.Combine(source, "a.txt"), "a");
        var unmounted = dir.Combine("mnt", "backupdisk", "replica");
        var config = new TestConfig(dir).Pair("j", "local", source, unmounted);

        var run = await config.RunCliAsync("run", "--no-progress");

        run.ExitCode.Should().Be(1);
        run.StandardOutput.Should().Contain("does not exist (is the disk mounted?)");
        Directory.Exists(dir.Combine("mnt")).Should().BeFalse();
    }

    [Fact]
    public async Task Destination_under_a_mount_point_of_fstab_that_is_not_mounted_is_refused_and_the_run_goes_once_it_is_mounted()
    {
        // Arrange: in a mount namespace of its own, /etc/fstab names mnt/backup, an empty folder nothing is mounted on.
        using var dir = new TempDir("safety-fstab");
        var source = dir.CreateSubdirectory("src");
        File.WriteAllText(Path.Combine(source, "a.txt"), "a");
        var mountPoint = dir.CreateSubdirectory("mnt", "backup");
        var fstab = dir.Combine("fstab");
        File.WriteAllText(fstab, $"# the backup disk\nUUID=0a1b-2c3d {mountPoint} ext4 noauto,nofail 0 2\n");
        var config = new TestConfig(dir).Pair("j", "local", source, Path.Combine(mountPoint, "replica"));
        config.Write();
        const string Script = """
            fstab=$1 mountpoint=$2; shift 2
            mount --bind "$fstab" /etc/fstab || exit 90
            "$@" > "$mountpoint.before.out"; echo $? > "$mountpoint.before.rc"
            mount -t tmpfs tmpfs "$mountpoint" || exit 91
            "$@" > "$mountpoint.after.out"; echo $? > "$mountpoint.after.rc"
            ls -A "$mountpoint/replica/src" > "$mountpoint.after.ls"
            """;

        // Act: a run, then the disk (a tmpfs) mounted there and another run.
        var result = await TestProcess.RunAsync("unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", Script, "sh", fstab, mountPoint,
            SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", config.ConfigPath, "run", "--no-progress"], TimeSpan.FromSeconds(120));

        // Assert
        result.ExitCode.Should().Be(0, result.ToString());
        File.ReadAllText(mountPoint + ".before.rc").Trim().Should().Be("1");
        File.ReadAllText(mountPoint + ".before.out").Should().Contain($"destination {mountPoint}/replica is on {mountPoint}, which /etc/fstab mounts (line 2) but which is not mounted now; nothing was written");
        Directory.EnumerateFileSystemEntries(mountPoint).Should().BeEmpty("nothing was written under the empty mount point");
        File.ReadAllText(mountPoint + ".after.rc").Trim().Should().Be("0", File.ReadAllText(mountPoint + ".after.out"));
        File.ReadAllText(mountPoint + ".after.ls").Should().Contain("a.txt");
    }

    [Fact]
    public async Task Deletions_wait_until_every_file_is_transferred()
    {
        using var dir = new TempDir("safety");
        var source = dir.CreateSubdirectory("src");
        File.WriteAllText(Path.Combine(source, "keep.txt"), "k");
        var replica = dir.CreateSubdirectory("replica");
        var config = DeleteJob(dir, source, replica);

        (await config.RunCliAsync("run", "--no-progress")).ExitCode.Should().Be(0);
        var log = (await LastRunAsync(config)).GetProperty("logFile").GetString()!;

        File.ReadAllText(log).Should().Contain("--delete-delay");
    }
}

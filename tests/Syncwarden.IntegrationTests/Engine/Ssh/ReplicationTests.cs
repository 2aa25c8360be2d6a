using System.Diagnostics;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Ssh;

[Collection(SshCollection.Name)]
public sealed class ReplicationTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    public async Task Replicates_two_mappings_over_ssh(string direction)
    {
        // Arrange: the sshd runs on this machine, so the remote side's paths are local paths too.
        using var dir = new TempDir("ssh-" + direction);
        var work = new TreeBuilder(dir.CreateSubdirectory("src", "work")).File("a.txt", 1000).File("sub/b.bin", 200_000).Symlink("link", "a.txt").Root;
        var prive = new TreeBuilder(dir.CreateSubdirectory("src", "prive")).File("c.txt", 5000).File("deep/er/d.txt", 10).File("e", 0).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Host("backup", _server).Job("nightly", $$"""
            direction: {{direction}}
            host: backup
            syncs:
              - { source: {{TestConfig.Q(work)}}, destination: {{TestConfig.Q(replica)}} }
              - { source: {{TestConfig.Q(prive + "/")}}, destination: {{TestConfig.Q(Path.Combine(replica, "p"))}}, options: [--delete] }
            """);

        // Act
        var run = await config.RunCliAsync("run", "nightly", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        (await TreeComparer.DescribeDifferencesAsync(work, Path.Combine(replica, "work"))).Should().BeEmpty();
        (await TreeComparer.DescribeDifferencesAsync(prive, Path.Combine(replica, "p"))).Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(replica).Select(Path.GetFileName).Should().BeEquivalentTo(["work", "p"], "no temp or partial folders are left behind");
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("succeeded");
        record.FilesTransferred.Should().Be(5);
        record.Log.Should().Contain($"{_server.Address}:{(direction == "push" ? replica : work)}", "the remote side is named host:path");
    }

    [Fact]
    public async Task Bandwidth_limit_reaches_rsync()
    {
        // Arrange: 4 MiB of incompressible data; at 2000 KiB/s that takes about two seconds. The test checks the
        // command rsync was started with, not how long it took: timings on a loaded machine prove nothing.
        using var dir = new TempDir("ssh-bwlimit");
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "big")).File("big.bin", 4 * 1024 * 1024).Root;
        var fast = dir.CreateSubdirectory("fast");
        var slow = dir.CreateSubdirectory("slow");
        var config = new TestConfig(dir).Host("backup", _server)
            .Job("unlimited", $$"""
                direction: push
                host: backup
                syncs: [{ source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(fast)}} }]
                """)
            .Job("limited", $$"""
                direction: push
                host: backup
                bandwidth: 2000
                syncs: [{ source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(slow)}} }]
                """);

        // Act
        var unlimitedRun = await config.RunCliAsync("run", "unlimited", "--json");
        var limitedRun = await config.RunCliAsync(TimeSpan.FromSeconds(120), "run", "limited", "--json");

        // Assert
        unlimitedRun.ExitCode.Should().Be(0, unlimitedRun.ToString());
        limitedRun.ExitCode.Should().Be(0, limitedRun.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(slow, "big"))).Should().BeEmpty();
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(fast, "big"))).Should().BeEmpty();
        var unlimited = RunOutput.Parse(unlimitedRun);
        var limited = RunOutput.Parse(limitedRun);
        limited.FilesTransferred.Should().Be(1);
        limited.Log.Split('\n').Should().Contain(l => l.StartsWith("# ", StringComparison.Ordinal) && l.Contains("$ ", StringComparison.Ordinal) && l.Contains("--bwlimit=2000", StringComparison.Ordinal));
        unlimited.Log.Should().NotContain("--bwlimit");
    }

    [Fact]
    public async Task Excludes_and_includes_are_honoured()
    {
        // Arrange
        using var dir = new TempDir("ssh-filters");
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "data"))
            .File("keep.txt", 10)
            .File("scratch.tmp", 10)
            .File("important.tmp", 10)
            .File("cache/blob", 10)
            .File("sub/cache/blob", 10)
            .File("sub/notes.txt", 10)
            .File("secret.key", 10)
            .File("logs/today.log", 10)
            .File("sub/logs/old.log", 10)
            .File("sub/a.bak", 10)
            .Root;
        var excludeFile = dir.Combine("excludes.txt");
        await File.WriteAllTextAsync(excludeFile, "# comment line\nlogs/\n*.bak\n");
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Host("backup", _server).Job("filtered", $$"""
            direction: push
            host: backup
            exclude: ['*.tmp', 'cache/']
            include: ['important.tmp']
            exclude-from: [{{TestConfig.Q(excludeFile)}}]
            syncs:
              - source: {{TestConfig.Q(source + "/")}}
                destination: {{TestConfig.Q(replica)}}
                exclude: ['secret.key']
            """);

        // Act
        var run = await config.RunCliAsync("run", "filtered", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var replicated = (await TreeComparer.SnapshotAsync(replica)).Values.Where(e => e.Type == 'f').Select(e => e.DisplayPath);
        replicated.Should().BeEquivalentTo(["keep.txt", "important.tmp", "sub/notes.txt"]);
        RunOutput.Parse(run).FilesTransferred.Should().Be(3);
    }

    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    public async Task Hostile_file_names_replicate_exactly_and_nothing_executes(string direction)
    {
        // Arrange
        using var dir = new TempDir("ssh-hostile-" + direction);
        var hostile = await TreeBuilder.BuildHostileTreeAsync(dir.Combine("src", "it's $(x) `y`"));
        var replica = dir.CreateSubdirectory("replica with 'quotes' and $(touch x)");
        var config = new TestConfig(dir).Pair("hostile", direction, hostile.Root + "/", replica, server: _server, syncOptions: "--delete");

        // Act
        var run = await config.RunCliAsync("run", "hostile", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        (await TreeComparer.DescribeDifferencesAsync(hostile.Root, replica)).Should().BeEmpty();
        hostile.TriggeredCanaries().Should().BeEmpty();
        File.Exists(dir.Combine("x")).Should().BeFalse();
        RunOutput.Parse(run).Result.Should().Be("succeeded");
    }

    [Fact]
    public async Task Identity_path_with_spaces_and_quotes_works()
    {
        // Arrange
        using var dir = new TempDir("ssh-identity");
        var keyDir = dir.CreateSubdirectory("key dir");
        var identity = Path.Combine(keyDir, "my key's \"id\"");
        File.Copy(_server.ClientKeyPath, identity);
        File.SetUnixFileMode(identity, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "work")).File("a.txt", 1234).Root;
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Host("backup", _server, identity: identity).Job("quoted", $$"""
            direction: push
            host: backup
            syncs: [{ source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(replica)}} }]
            """);

        // Act
        var run = await config.RunCliAsync("run", "quoted", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(replica, "work"))).Should().BeEmpty();
        var record = RunOutput.Parse(run);
        record.FilesTransferred.Should().Be(1);
        // ssh given an unusable identity path fails authentication (the fixture authorizes only this key), so
        // success means rsync split the -e string back into exactly this path.
        record.Log.Should().Contain("IdentityFile=", "the run log shows the ssh command line").And.Contain("key dir/my key");
    }
}

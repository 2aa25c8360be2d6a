using System.Text.Json;
using Syncwarden.IntegrationTests.Engine.Resilience;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.IntegrationTests.Web;

namespace Syncwarden.IntegrationTests.Keys;

/// <summary>
/// What a push keeps through rrsync with the managed key: what an interruption leaves, the max-delete guard and progress.
/// </summary>
public sealed partial class RestrictedKeyTests
{
    [Fact]
    public async Task Keys_commands_refuse_file_names_ssh_would_expand_before_writing_a_key_or_connecting()
    {
        // Arrange: ssh reads ${NAME} in a key or known_hosts file name as a variable, with no escape. One state directory
        // whose path holds "${HOME}" (the managed key and the pinned known_hosts would live there), and a plain one whose
        // host already has a key, for an install given an admin key path with "${HOME}".
        await using var server = await SshServer.StartAsync();
        using var odd = new TempDir("keys-${HOME}");
        var oddConfig = new TestConfig(odd).HostWithoutKey(Host, server).Pair("p", "push", odd.CreateSubdirectory("src"), odd.Combine("replica"));
        using var dir = new TempDir("keys-admin");
        var config = new TestConfig(dir).HostWithoutKey(Host, server).Pair("p", "push", dir.CreateSubdirectory("src"), dir.Combine("replica"));
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);
        var adminKey = dir.Combine("admin ${HOME} key");
        File.Copy(server.ClientKeyPath, adminKey);

        // Act
        var init = await oddConfig.RunCliAsync("keys", "init", Host);
        var install = await config.RunCliAsync(["keys", "install", Host, "--admin-identity", adminKey, "--admin-known-hosts", server.KnownHostsPath,
            "--authorized-keys", Path.Combine(server.Directory, "authorized_keys")]);

        // Assert
        init.ExitCode.Should().NotBe(0, init.ToString());
        init.StandardError.Should().Contain($"the state directory \"{oddConfig.StateDir}\" contains \"${{\"").And.Contain("state-dir:");
        Directory.Exists(Path.Combine(oddConfig.StateDir, "keys")).Should().BeFalse("nothing is written");
        install.ExitCode.Should().NotBe(0, install.ToString());
        install.StandardError.Should().Contain($"--admin-identity \"{adminKey}\" contains \"${{\"").And.Contain("symlink");
        OurLines(server).Should().BeEmpty("no connection was made to install the key");
    }

    /// <summary>
    /// rrsync hands rsync its partial dir as a pinned /proc/self/fd/N; rsync's receiver lstat()s that, finds a symlink
    /// where it wants a folder, and discards the interrupted file. So a push through rrsync cannot resume: this proves it
    /// still leaves nothing truncated under a final name, no stray folders in rrsync's folder, and a complete rerun.
    /// </summary>
    [Fact]
    public async Task Interrupted_push_through_rrsync_leaves_no_truncated_file_and_the_rerun_completes_the_tree()
    {
        // Arrange: the slow push (a 40 MB file at 4000 KiB/s) through the managed key, whose forced command is rrsync.
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-resume");
        var source = dir.CreateSubdirectory("src", "work");
        Interruption.BuildSource(source);
        var replica = dir.CreateSubdirectory("remote", "replica");
        var config = new TestConfig(dir).HostWithoutKey(Host, server)
            .Pair("slow", "push", source, replica, "bandwidth: 4000\nretries: { count: 0 }");
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);
        var install = await InstallAsync(config, server);
        install.ExitCode.Should().Be(0, install.ToString());
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(replica) > 4_000_000, "rsync writing the big file", cli);
        var remote = ProcFs.DescendantsOf(server.ProcessId);
        // rrsync changes into its folder and execs rsync there; a full login's rsync would start in the home folder.
        var remoteRsyncFolders = remote.Where(Interruption.IsRsync).Select(WorkingFolder).ToList();
        var local = ProcFs.DescendantsOf(cli.ProcessId);

        // Act: kill -9 of syncwarden mid-file; the parent-death signal stops rsync, and the remote side follows.
        (await cli.KillAsync()).Should().BeTrue();
        await cli.WaitAsync(TimeSpan.FromSeconds(10));
        var stillAlive = await WaitUntilDeadAsync([.. local, .. remote], TimeSpan.FromSeconds(10));
        var corrupt = Interruption.CorruptFinalFiles(source, Path.Combine(replica, "work"));
        var bigFileAfterKill = File.Exists(Path.Combine(replica, "work", "m-big.bin"));
        var kept = Interruption.KeptPartialBytes(replica);
        var record = await Interruption.RerunCompletesAsync(config, source, replica);

        // Assert
        remoteRsyncFolders.Should().NotBeEmpty().And.OnlyContain(folder => folder == replica, "the push ran through the forced rrsync command");
        stillAlive.Should().BeEmpty("no rsync outlives the killed run");
        corrupt.Should().BeEmpty("nothing truncated under a final name");
        bigFileAfterKill.Should().BeFalse("the big file was not finished");
        kept.Should().Be(0, "rsync discards the interrupted file in rrsync's pinned partial dir (if this fails, rrsync resumes now: update docs/keys.md)");
        record.GetProperty("bytesTransferred").GetInt64().Should().BeGreaterThanOrEqualTo(Interruption.BigFileSize);
        Directory.EnumerateFileSystemEntries(replica).Select(Path.GetFileName).Should().Equal(["work"],
            "the partial folder was named from rrsync's folder, not as a copy of its whole path below it, and removed after the good run");
    }

    [Fact]
    public async Task Max_delete_over_the_cap_through_rrsync_is_refused_before_anything_is_deleted()
    {
        // Arrange: ten files pushed through the managed key, then six of them gone from the source and a new file.
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-max-delete");
        var source = dir.CreateSubdirectory("src");
        var tree = new TreeBuilder(source);
        for (var i = 0; i < 10; i++)
        {
            tree.File($"f{i}.txt", 100 + i);
        }
        var replica = Path.Combine(dir.CreateSubdirectory("remote"), "replica");
        var config = MirrorConfig(dir, server, source, replica, "max-delete: 5");
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);
        var install = await InstallAsync(config, server);
        install.ExitCode.Should().Be(0, install.ToString());
        var first = await config.RunCliAsync("run", "mirror", "--no-progress");
        first.ExitCode.Should().Be(0, first.ToString());
        for (var i = 0; i < 6; i++)
        {
            File.Delete(Path.Combine(source, $"f{i}.txt"));
        }
        tree.File("new.bin", 3000);

        // Act
        var refused = await config.RunCliAsync("run", "mirror", "--no-progress");
        var filesAfterRefusal = Directory.GetFiles(replica).Select(Path.GetFileName).ToList();
        var allowed = await MirrorConfig(dir, server, source, replica, "max-delete: \"70%\"").RunCliAsync("run", "mirror");

        // Assert: the dry run through rrsync counted the deletions, and nothing changed at the destination.
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.StandardOutput.Should().Contain("would delete 6").And.Contain("max-delete 5");
        filesAfterRefusal.Should().HaveCount(10).And.NotContain("new.bin");
        allowed.ExitCode.Should().Be(0, allowed.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, replica)).Should().BeEmpty("a cap that allows it lets the mirror through");
    }

    [Fact]
    public async Task Progress_of_a_push_through_rrsync_shows_on_the_daemons_job_status()
    {
        // Arrange: a 6 MB push at 2000 KiB/s (about 3 s) through the managed key, run by the daemon.
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-progress");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("big.bin", 6_000_000).Root;
        var replica = Path.Combine(dir.CreateSubdirectory("remote"), "replica");
        var config = MirrorConfig(dir, server, source, replica, "bandwidth: 2000");
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);
        var install = await InstallAsync(config, server);
        install.ExitCode.Should().Be(0, install.ToString());
        await using var daemon = await WebDaemon.StartAsync(config);

        // Act: run now, and read the job's live progress until the run ends.
        using var started = await daemon.PostAsync("api/jobs/mirror/run");
        var percents = new List<int>();
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement status;
        do
        {
            await Task.Delay(100);
            status = await daemon.GetJsonAsync("api/jobs/mirror");
            if (status.TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Object)
            {
                percents.Add(progress.GetProperty("percent").GetInt32());
            }
        }
        while ((status.GetProperty("running").GetBoolean() || status.GetProperty("lastResult").ValueKind == JsonValueKind.Null) && DateTime.UtcNow < end);

        // Assert
        started.IsSuccessStatusCode.Should().BeTrue();
        status.GetProperty("lastResult").GetString().Should().Be("succeeded");
        percents.Should().Contain(p => p > 0 && p < 100, "the daemon read rsync's progress while the push ran through rrsync: {0}", string.Join(",", percents.Distinct()));
        percents.Should().BeInAscendingOrder();
        (await TreeComparer.DescribeDifferencesAsync(source, replica)).Should().BeEmpty();
    }

    private static TestConfig MirrorConfig(TempDir dir, SshServer server, string source, string replica, string guard) =>
        new TestConfig(dir).HostWithoutKey(Host, server).Job("mirror", $"""
            direction: push
            host: {Host}
            options: [--delete]
            {guard}
            syncs:
              - source: {TestConfig.Q(source + "/")}
                destination: {TestConfig.Q(replica)}
            """);

    private static async Task<IReadOnlyList<int>> WaitUntilDeadAsync(IReadOnlyList<int> pids, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (pids.Any(ProcFs.IsAlive) && DateTime.UtcNow < end)
        {
            await Task.Delay(100);
        }
        return [.. pids.Where(ProcFs.IsAlive)];
    }

    private static string? WorkingFolder(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

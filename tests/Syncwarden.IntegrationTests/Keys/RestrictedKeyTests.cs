using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Keys;

/// <summary>
/// <c>keys init</c> and <c>keys install</c> against a real sshd with the real rrsync: the admin login uses the test's
/// own key; afterwards the jobs run with Syncwarden's key, which can run rsync under the jobs' folder and nothing else.
/// </summary>
public sealed partial class RestrictedKeyTests
{
    private const string Host = "backup";

    [Fact]
    public async Task Installed_key_runs_push_with_delete_and_pull_but_opens_no_shell_and_writes_nowhere_else()
    {
        // Arrange
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys");
        var remote = dir.CreateSubdirectory("remote");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 500).File("docs/b.txt", 7000).File("name with spaces.txt", 10).Root;
        var replica = new TreeBuilder(Path.Combine(remote, "replica"), seed: 5).File("stale.txt", 40).Root;
        var data = new TreeBuilder(Path.Combine(remote, "data"), seed: 7).File("x.bin", 9000).File("sub/y.txt", 30).Root;
        var pulled = Path.Combine(dir.CreateSubdirectory("local"), "pulled");
        var config = new TestConfig(dir).HostWithoutKey(Host, server)
            .Job("push", $"""
                direction: push
                host: {Host}
                options: [--delete]
                syncs:
                  - source: {TestConfig.Q(source + "/")}
                    destination: {TestConfig.Q(replica)}
                """)
            .Job("pull", $"""
                direction: pull
                host: {Host}
                options: [--delete]
                syncs:
                  - source: {TestConfig.Q(data + "/")}
                    destination: {TestConfig.Q(pulled)}
                """);

        // Act
        var init = await config.RunCliAsync("keys", "init", Host);
        var install = await InstallAsync(config, server);
        var check = await config.RunCliAsync("check");
        var push = await config.RunCliAsync("run", "push");
        var pull = await config.RunCliAsync("run", "pull");

        // Assert: the key, its line, and the jobs
        init.ExitCode.Should().Be(0, init.ToString());
        init.StandardOutput.Should().MatchRegex("fingerprint: SHA256:");
        var key = Path.Combine(config.StateDir, "keys", Host, "id_ed25519");
        File.GetUnixFileMode(key).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        install.ExitCode.Should().Be(0, install.ToString());
        var ours = OurLines(server).Should().ContainSingle().Subject;
        ours.Should().StartWith("restrict,from=\"127.0.0.1\",command=\"'/usr/bin/rrsync' '-absolute' '-no-lock' '" + remote + "'\" ssh-ed25519 ");
        check.StandardOutput.Should().Contain($"host {Host}: managed key {key}").And.Contain("pinned host key in " + Path.Combine(config.StateDir, "known_hosts"));
        push.ExitCode.Should().Be(0, push.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, replica)).Should().BeEmpty("the push with --delete mirrors the source, stale.txt removed");
        pull.ExitCode.Should().Be(0, pull.ToString());
        (await TreeComparer.DescribeDifferencesAsync(data, pulled)).Should().BeEmpty();

        // Assert: the same key opens no shell and writes nowhere outside the jobs' folder
        var sshArgs = server.BuildSshArgs(key, Path.Combine(config.StateDir, "known_hosts"));
        var shell = await server.RunSshAsync(sshArgs, "id");
        shell.ExitCode.Should().NotBe(0);
        shell.StandardOutput.Should().NotContain("uid=");
        shell.StandardError.Should().Contain("does not run rsync");
        var outside = dir.CreateSubdirectory("outside");
        // Where rrsync puts that absolute path: under its folder (rsync makes the last folder only).
        Directory.CreateDirectory(remote + Path.GetDirectoryName(outside));
        var rsyncShell = SshServer.RsyncRemoteShellFor(sshArgs);
        var absolute = await TestProcess.RunAsync("rsync", ["-a", "-e", rsyncShell, "--", Path.Combine(source, "a.txt"), server.RemotePath(outside + "/")], TestProcess.DefaultTimeout);
        var dotDot = await TestProcess.RunAsync("rsync", ["-a", "-e", rsyncShell, "--", Path.Combine(source, "a.txt"), server.RemotePath(remote + "/../outside/")], TestProcess.DefaultTimeout);
        Directory.EnumerateFileSystemEntries(outside).Should().BeEmpty("the key may write only under " + remote);
        File.Exists(remote + outside + "/a.txt").Should().BeTrue("rrsync reads an absolute path outside its folder as one inside it: " + absolute);
        dotDot.ExitCode.Should().NotBe(0, dotDot.ToString());
        dotDot.StandardError.Should().Contain("do not use ..");
    }

    [Fact]
    public async Task Second_install_leaves_one_line_of_ours_and_every_foreign_line_and_the_file_mode()
    {
        // Arrange
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-again");
        var config = PullConfig(dir, server);
        var file = Path.Combine(server.Directory, "authorized_keys");
        File.AppendAllText(file, "# a comment the admin wrote\ncommand=\"/bin/true\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOtherKey other@elsewhere\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var foreign = File.ReadAllLines(file);
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);

        // Act
        var first = await InstallAsync(config, server);
        var second = await InstallAsync(config, server);
        var list = await config.RunCliAsync("keys", "list", "--json");

        // Assert
        first.ExitCode.Should().Be(0, first.ToString());
        second.ExitCode.Should().Be(0, second.ToString());
        var lines = File.ReadAllLines(file);
        lines.Where(l => !OurLine(l)).Should().Equal(foreign, "every other line stays as it was, in order");
        lines.Where(OurLine).Should().ContainSingle().Which.Should().Contain("'-ro'", "every job on the host is a pull");
        File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        list.ExitCode.Should().Be(0, list.ToString());
        list.StandardOutput.Should().Contain("\"installed\": true").And.Contain("\"inUse\": true").And.Contain("\"readOnly\": true");
    }

    [Fact]
    public async Task Install_refuses_when_rrsync_is_missing_and_says_what_to_install()
    {
        // Arrange
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-no-rrsync");
        var config = PullConfig(dir, server);
        var before = File.ReadAllText(Path.Combine(server.Directory, "authorized_keys"));
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);

        // Act
        var install = await InstallAsync(config, server, null, "--rrsync", "/nonexistent/rrsync");

        // Assert
        install.ExitCode.Should().Be(1, install.ToString());
        install.StandardError.Should().Contain("rrsync is missing on host 'backup' (/nonexistent/rrsync").And.Contain("apt-get install rsync");
        File.ReadAllText(Path.Combine(server.Directory, "authorized_keys")).Should().Be(before);
        File.Exists(Path.Combine(config.StateDir, "keys", Host, "installed.json")).Should().BeFalse();
    }

    [Fact]
    public async Task Unknown_host_key_is_pinned_only_with_its_fingerprint_and_a_changed_one_is_refused()
    {
        // Arrange: the admin's known_hosts does not know the server
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-hostkey");
        var remote = dir.CreateSubdirectory("remote");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100).Root;
        var config = PushConfig(dir, server, source, remote);
        var empty = dir.Combine("empty_known_hosts");
        File.WriteAllText(empty, "");
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);
        var fingerprint = (await TestProcess.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", Path.Combine(server.Directory, "ssh_host_ed25519_key.pub")])).StandardOutput.Split(' ')[1];

        // Act
        var refused = await InstallAsync(config, server, empty);
        var linesAfterRefusal = OurLines(server);
        var accepted = await InstallAsync(config, server, empty, "--accept-host-key", fingerprint);
        var before = await config.RunCliAsync("run", "push");
        await ReplaceHostKeyAsync(server);
        var after = await config.RunCliAsync("run", "push");

        // Assert
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.StandardError.Should().Contain(fingerprint).And.Contain("--accept-host-key");
        linesAfterRefusal.Should().BeEmpty("nothing is installed for an unchecked host key");
        accepted.ExitCode.Should().Be(0, accepted.ToString());
        File.ReadAllText(Path.Combine(config.StateDir, "known_hosts")).Should().Contain($"[{server.Address}]:{server.Port} ssh-ed25519 ");
        before.ExitCode.Should().Be(0, before.ToString());
        after.ExitCode.Should().Be(1, after.ToString());
        (after.StandardOutput + after.StandardError).Should().Contain("does not match the entry").And.Contain(Path.Combine(config.StateDir, "known_hosts"));
    }

    [Fact]
    public async Task Job_needing_a_shell_on_a_restricted_host_is_refused_and_check_names_what_needs_a_full_login()
    {
        // Arrange
        await using var server = await SshServer.StartAsync();
        using var dir = new TempDir("keys-hooks");
        var remote = dir.CreateSubdirectory("remote");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100).Root;
        var marker = Path.Combine(remote, "hook-ran");
        var config = PushConfig(dir, server, source, remote, $"""
            hooks:
              before:
                - command: [touch, {TestConfig.Q(marker)}]
                  on: remote
            """);
        (await config.RunCliAsync("keys", "init", Host)).ExitCode.Should().Be(0);

        // Act
        var install = await InstallAsync(config, server);
        var check = await config.RunCliAsync("check");
        var run = await config.RunCliAsync("run", "push");

        // Assert
        install.ExitCode.Should().Be(0, install.ToString());
        install.StandardOutput.Should().Contain("need a full login").And.Contain("job 'push': remote hooks");
        check.StandardOutput.Should().Contain("job 'push': remote hooks");
        run.ExitCode.Should().Be(1, run.ToString());
        (run.StandardOutput + run.StandardError).Should().Contain("needs a full ssh login").And.Contain("remote hooks");
        File.Exists(marker).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(Path.Combine(remote, "replica")).Should().BeEmpty("nothing was transferred (install made the folder)");
    }

    /// <summary>Job "push" of <paramref name="source"/>'s contents to REMOTE/replica, with <paramref name="jobSettings"/> (job-level YAML).</summary>
    private static TestConfig PushConfig(TempDir dir, SshServer server, string source, string remote, string jobSettings = "") =>
        new TestConfig(dir).HostWithoutKey(Host, server).Job("push", $"""
            direction: push
            host: {Host}
            {jobSettings}
            syncs:
              - source: {TestConfig.Q(source + "/")}
                destination: {TestConfig.Q(Path.Combine(remote, "replica"))}
            """);

    private static TestConfig PullConfig(TempDir dir, SshServer server)
    {
        var data = new TreeBuilder(dir.CreateSubdirectory("remote", "data")).File("x.txt", 10).Root;
        return new TestConfig(dir).HostWithoutKey(Host, server).Job("pull", $"""
            direction: pull
            host: {Host}
            syncs:
              - source: {TestConfig.Q(data + "/")}
                destination: {TestConfig.Q(dir.Combine("pulled"))}
            """);
    }

    /// <summary><c>keys install</c> with the test's admin key, the server's authorized_keys file and its known_hosts (or <paramref name="knownHosts"/>).</summary>
    private static Task<ProcessResult> InstallAsync(TestConfig config, SshServer server, string? knownHosts = null, params string[] extra) =>
        config.RunCliAsync(["keys", "install", Host, "--admin-identity", server.ClientKeyPath, "--admin-known-hosts", knownHosts ?? server.KnownHostsPath,
            "--authorized-keys", Path.Combine(server.Directory, "authorized_keys"), .. extra]);

    private static IReadOnlyList<string> OurLines(SshServer server) =>
        [.. File.ReadAllLines(Path.Combine(server.Directory, "authorized_keys")).Where(OurLine)];

    private static bool OurLine(string line) => OurComment().IsMatch(line);

    [GeneratedRegex(@" syncwarden:backup@\S+$")]
    private static partial Regex OurComment();

    /// <summary>Gives the running sshd a new host key (SIGHUP makes it re-read its configuration and keys).</summary>
    private static async Task ReplaceHostKeyAsync(SshServer server)
    {
        var fresh = Path.Combine(server.Directory, "new_host_key");
        (await TestProcess.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", fresh])).ExitCode.Should().Be(0);
        File.Copy(fresh, Path.Combine(server.Directory, "ssh_host_ed25519_key"), overwrite: true);
        File.Copy(fresh + ".pub", Path.Combine(server.Directory, "ssh_host_ed25519_key.pub"), overwrite: true);
        (await TestProcess.SignalAsync(server.ProcessId, "HUP")).Should().BeTrue();
        // The re-executed sshd listens again once it answers a scan with the new key.
        for (var i = 0; i < 100; i++)
        {
            var scan = await TestProcess.RunAsync("ssh-keyscan", ["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-T", "2", server.Address]);
            if (scan.StandardOutput.Contains(File.ReadAllText(fresh + ".pub").Split(' ')[1], StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("sshd did not come back with the new host key");
    }
}

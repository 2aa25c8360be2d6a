using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>
/// The standby pair over rsync-tls on two "machines" (two network namespaces joined by one veth pair): no sshd at all;
/// each machine runs <c>syncwarden serve</c> (stunnel and an rsync daemon) for its side of the pair, and its daemon.
/// </summary>
public sealed class StandbyOverTlsTests
{
    private const int TlsPort = 8874;

    private const string PskName = "pair.psk";

    private static void WriteConfig(StandbyMachine machine, StandbyMachine alpha, StandbyMachine beta, string pskFile, TempDir dir)
    {
        string Host(StandbyMachine m) =>
            $"  {m.Name}: {{ address: {m.End.Address}, connect-timeout: 3s, transport: rsync-tls, tls: {{ port: {TlsPort}, psk-file: {TestConfig.Q(pskFile)}, listen: {m.End.Address} }} }}\n";
        var extra = "  promote-hooks:\n    - [/bin/sh, -c, " + TestConfig.Q("echo \"$SYNCWARDEN_STANDBY_ACTION $SYNCWARDEN_STANDBY_EPOCH\" >> " + dir.Combine("promoted-") + "$SYNCWARDEN_THIS_HOST") + "]\n";
        StandbyPair.WriteConfig(machine, alpha, beta, Host(alpha) + Host(beta), extra);
    }

    /// <summary>Two machines in their namespaces with one key file (as copied to both), their configurations, and serve running on both.</summary>
    private sealed class TlsPair : IAsyncDisposable
    {
        private TlsPair(TempDir dir, NetworkNamespacePair net)
        {
            Dir = dir;
            Net = net;
            Alpha = new StandbyMachine("alpha", net.A, dir, postgres: null);
            Beta = new StandbyMachine("beta", net.B, dir, postgres: null);
        }

        public TempDir Dir { get; }
        public NetworkNamespacePair Net { get; }
        public StandbyMachine Alpha { get; }
        public StandbyMachine Beta { get; }

        public static async Task<TlsPair> StartAsync(string name)
        {
            var dir = new TempDir(name);
            TlsPair? pair = null;
            try
            {
                pair = new TlsPair(dir, await NetworkNamespacePair.CreateAsync());
                var psk = dir.Combine(PskName);
                (await SyncwardenCli.RunAsync(["keys", "psk", psk])).EnsureSuccess("keys psk");
                WriteConfig(pair.Alpha, pair.Alpha, pair.Beta, psk, dir);
                WriteConfig(pair.Beta, pair.Alpha, pair.Beta, psk, dir);
                await pair.Alpha.StartServeAsync();
                await pair.Beta.StartServeAsync();
                return pair;
            }
            catch
            {
                if (pair is not null)
                {
                    await pair.DisposeAsync();
                }
                else
                {
                    dir.Dispose();
                }
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Alpha.DisposeAsync();
            await Beta.DisposeAsync();
            await Net.DisposeAsync();
            Dir.Dispose();
        }
    }

    /// <summary>Plain rsync from <paramref name="from"/>'s namespace through the stunnel client configuration syncwarden wrote for <paramref name="to"/>.</summary>
    private static Task<ProcessResult> RawRsyncAsync(TempDir dir, StandbyMachine from, StandbyMachine to, params string[] args) =>
        TestProcess.RunAsync("ip", RawRsyncArgs(dir, from, to, args), TimeSpan.FromMinutes(1));

    private static IReadOnlyList<string> RawRsyncArgs(TempDir dir, StandbyMachine from, StandbyMachine to, string[] args) =>
        from.End.ExecArgs(["rsync", "--rsh=stunnel4 " + Path.Combine(from.StateDir, "tls", "client-" + to.Name + ".conf"), "--password-file=" + dir.Combine(PskName), .. args]);

    /// <summary>Connection children of an rsync daemon chrooted into <paramref name="folder"/> (what serve's daemon forks for a transfer).</summary>
    private static IReadOnlyList<int> DaemonChildrenIn(string folder) =>
    [
        .. Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ProcFs.CommandLine(pid) is { } argv && argv.Contains("--daemon") && RootOf(pid) == folder),
    ];

    private static string? RootOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/root").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Failover_fencing_rejoin_and_switchover_over_rsync_tls_with_serve_on_both_machines()
    {
        // Arrange: two machines with serve and a daemon each, no sshd; alpha's data.
        await using var pair = await TlsPair.StartAsync("standby-tls");
        var (dir, net, alpha, beta) = (pair.Dir, pair.Net, pair.Alpha, pair.Beta);
        new TreeBuilder(alpha.Data).Sample().File("docs/report.txt", "quarterly numbers\n").File("big.bin", 300_000);

        // Act 1: alpha pushes to beta's serve.
        await alpha.StartDaemonAsync(null);
        await beta.StartDaemonAsync(null);
        await StandbyPair.UntilAsync(async () => File.Exists(Path.Combine(beta.Data, ".syncwarden-standby.json")) && (await StandbyPair.DataDifferencesAsync(alpha, beta)).Count == 0,
            "beta holds alpha's data and a marker", alpha);

        // Act 2: promote is refused while alpha's TLS port answers (there is no ssh port to answer).
        var refused = await beta.CliAsync(null, "promote");

        // Act 3: the link is cut; once alpha's pushes fail, beta is promoted.
        await net.CutAsync();
        await StandbyPair.UntilAsync(async () => await alpha.JobStatusAsync(null) is { } job
            && !job.GetProperty("running").GetBoolean() && job.GetProperty("lastResult").GetString() == "failed", "alpha's pushes fail while it is cut off", alpha);
        var promoted = await beta.CliAsync(null, "promote");

        // Assert 1-3
        refused.ExitCode.Should().Be(3, refused.ToString());
        refused.StandardError.Should().Contain($"the primary alpha still answers at {alpha.End.Address}:{TlsPort}");
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        promoted.StandardOutput.Should().Contain("epoch 1 -> 2").And.Contain("is now the primary in epoch 2");
        File.ReadAllText(dir.Combine("promoted-beta")).Should().Be("promote 2\n");

        // Act 4: users work on beta; alpha comes back and pushes, still believing it is the primary.
        File.WriteAllText(Path.Combine(beta.Data, "docs", "after-failover.txt"), "written on the new primary\n");
        File.WriteAllText(Path.Combine(alpha.Data, "docs", "stale-on-alpha.txt"), "written on the old primary while cut off\n");
        var betaTree = await StandbyPair.SnapshotAsync(beta.Data);
        await net.RestoreAsync();
        await StandbyPair.UntilAsync(async () => (await alpha.StandbyStatusAsync(null)).GetProperty("role").GetString() == "standby", "alpha is fenced and becomes the standby", alpha);

        // Assert 4: refused by the epoch read through beta's marker module; nothing of alpha's reached beta.
        var alphaFenced = await alpha.StandbyStatusAsync(null);
        alphaFenced.GetProperty("epoch").GetInt64().Should().Be(2);
        alphaFenced.GetProperty("lastRefusal").GetString().Should().Contain("beta holds epoch 2");
        File.Exists(Path.Combine(beta.Data, "docs", "stale-on-alpha.txt")).Should().BeFalse("the fenced push wrote nothing on the new primary");
        (await StandbyPair.SnapshotAsync(beta.Data)).Keys.Where(k => !k.Contains(".syncwarden-standby", StringComparison.Ordinal))
            .Should().BeEquivalentTo(betaTree.Keys.Where(k => !k.Contains(".syncwarden-standby", StringComparison.Ordinal)));

        // Act 5: rejoin on alpha pulls beta's data through beta's read-only data module.
        var rejoined = await alpha.CliAsync(null, "rejoin");

        // Assert 5
        rejoined.ExitCode.Should().Be(0, rejoined.ToString());
        rejoined.StandardOutput.Should().Contain("alpha is now the standby in epoch 2");
        (await StandbyPair.DataDifferencesAsync(alpha, beta)).Should().BeEmpty();
        File.Exists(Path.Combine(alpha.Data, "docs", "stale-on-alpha.txt")).Should().BeFalse("rejoin replaced the stale write with the new primary's data");
        File.ReadAllText(Path.Combine(alpha.Data, "docs", "after-failover.txt")).Should().Be("written on the new primary\n");

        // Act 6: a planned switchover on beta hands the role back through alpha's push and marker modules.
        File.WriteAllText(Path.Combine(beta.Data, "docs", "last-minute.txt"), "written just before the switchover\n");
        var switched = await beta.CliAsync(null, "switchover");

        // Assert 6
        switched.ExitCode.Should().Be(0, switched + "\nalpha's daemon:\n" + StandbyPair.Tail(alpha.Daemon!.StandardErrorSoFar));
        switched.StandardOutput.Should().Contain("alpha confirmed");
        File.ReadAllText(dir.Combine("promoted-alpha")).Should().Be("switchover 3\n");
        File.ReadAllText(Path.Combine(alpha.Data, "docs", "last-minute.txt")).Should().Be("written just before the switchover\n");
        (await StandbyPair.DataDifferencesAsync(alpha, beta)).Should().BeEmpty("no file was lost in the switchover");
    }

    [Fact]
    public async Task Marker_module_shows_only_the_marker_and_claim_files()
    {
        // Arrange: beta serves; a run of alpha's pair wrote beta's marker (and the stunnel client configuration).
        await using var pair = await TlsPair.StartAsync("standby-tls-markers");
        var (dir, alpha, beta) = (pair.Dir, pair.Alpha, pair.Beta);
        new TreeBuilder(alpha.Data).File("secret.txt", "not for the marker module\n").File("sub/deep.txt", "nor this\n");
        (await alpha.CliAsync(null, "run", "standby")).EnsureSuccess("run standby");
        File.WriteAllText(Path.Combine(beta.Data, ".syncwarden-standby-claim.json"), "{}");
        var received = dir.CreateSubdirectory("received");

        // Act
        var markers = await RawRsyncAsync(dir, alpha, beta, "--", "syncwarden@beta::standby.1.markers/.syncwarden-standby.json", "syncwarden@beta::standby.1.markers/.syncwarden-standby-claim.json", received + "/");
        var dataFile = await RawRsyncAsync(dir, alpha, beta, "--", "syncwarden@beta::standby.1.markers/secret.txt", received + "/");
        var whole = await RawRsyncAsync(dir, alpha, beta, "--recursive", "--", "syncwarden@beta::standby.1.markers/", received + "/all/");
        var followed = await RawRsyncAsync(dir, alpha, beta, "--copy-links", "--", "syncwarden@beta::standby.1.markers/.syncwarden-standby.json", received + "/followed/");
        var pushModule = await RawRsyncAsync(dir, alpha, beta, "--", "syncwarden@beta::standby.1/secret.txt", received + "/");

        // Assert
        markers.ExitCode.Should().Be(0, markers.ToString());
        File.ReadAllText(Path.Combine(received, ".syncwarden-standby.json")).Should().Contain("\"epoch\"");
        File.Exists(Path.Combine(received, ".syncwarden-standby-claim.json")).Should().BeTrue();
        dataFile.ExitCode.Should().Be(23, dataFile.ToString());
        dataFile.StandardError.Should().Contain("No such file or directory", "the daemon's filter hides every other file");
        File.Exists(Path.Combine(received, "secret.txt")).Should().BeFalse();
        whole.ExitCode.Should().Be(0, whole.ToString());
        Directory.EnumerateFileSystemEntries(Path.Combine(received, "all"), "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().BeEquivalentTo([".syncwarden-standby.json", ".syncwarden-standby-claim.json"]);
        followed.ExitCode.Should().NotBe(0, followed.ToString());
        followed.StandardError.Should().Contain("refuse --copy-links", "following symlinks is refused in the marker module");
        pushModule.ExitCode.Should().NotBe(0, pushModule.ToString());
        pushModule.StandardError.Should().Contain("module is write only");
        File.Exists(Path.Combine(received, "secret.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Promote_stops_a_push_in_flight_into_serves_daemon_but_not_a_reader_and_serve_keeps_running()
    {
        // Arrange: a first run of alpha's pair; then, both slow and under way in children of beta's daemon, a read of
        // beta's data module (what rejoin does) and a push into its push module.
        await using var pair = await TlsPair.StartAsync("standby-tls-inflight");
        var (dir, alpha, beta) = (pair.Dir, pair.Alpha, pair.Beta);
        new TreeBuilder(alpha.Data).File("small.txt", "first\n").File("shared.bin", 2_000_000);
        (await alpha.CliAsync(null, "run", "standby")).EnsureSuccess("run standby");
        await using var slowRead = TestProcess.Start("ip", RawRsyncArgs(dir, alpha, beta, ["--bwlimit=20", "--", "syncwarden@beta::standby.1.data/shared.bin", dir.CreateSubdirectory("read") + "/"]));
        await StandbyPair.UntilAsync(() => Task.FromResult(DaemonChildrenIn(beta.Data).Count > 0 || slowRead.HasExited), "the slow read reaches beta's daemon");
        var readers = DaemonChildrenIn(beta.Data);
        var big = dir.Combine("big.bin");
        File.WriteAllBytes(big, new byte[4_000_000]);
        await using var slowPush = TestProcess.Start("ip", RawRsyncArgs(dir, alpha, beta, ["--bwlimit=50", "--", big, "syncwarden@beta::standby.1/"]));
        // The receiving side of a push is two processes (the daemon's child forks the generator): wait for both, or
        // a busy machine lets the promote find one more than the test saw.
        await StandbyPair.UntilAsync(() => Task.FromResult(DaemonChildrenIn(beta.Data).Count >= readers.Count + 2 || slowPush.HasExited), "the slow push reaches beta's daemon");
        var receivers = DaemonChildrenIn(beta.Data).Except(readers).ToList();

        // Act
        var promoted = await beta.CliAsync(null, "promote", "--force", "--accept-lag");
        var pushed = await slowPush.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        readers.Should().NotBeEmpty(slowRead.StandardErrorSoFar);
        receivers.Should().NotBeEmpty(slowPush.StandardErrorSoFar);
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        promoted.StandardOutput.Should().Contain($"stopped {receivers.Count} rsync receiver(s) of an interrupted push from alpha");
        receivers.Should().OnlyContain(pid => !ProcFs.IsAlive(pid));
        pushed.ExitCode.Should().NotBe(0, "the push was stopped");
        File.Exists(Path.Combine(beta.Data, "big.bin")).Should().BeFalse("a stopped receiver never renames its temporary file into place");
        readers.Should().OnlyContain(pid => ProcFs.IsAlive(pid), "a read of the data module writes nothing and is left alone");
        slowRead.HasExited.Should().BeFalse(slowRead.StandardErrorSoFar);
        beta.Serve!.HasExited.Should().BeFalse("the listening daemon and stunnel are not receivers");
        var fenced = await alpha.CliAsync(null, "run", "standby");
        fenced.ExitCode.Should().Be(1, fenced.ToString());
        fenced.ToString().Should().Contain("push refused: beta holds epoch 2", "beta's serve still answers, and the epoch refuses alpha's push");
    }
}

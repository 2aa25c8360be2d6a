using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Processes;

namespace Syncwarden.IntegrationTests.Engine.Resilience;

/// <summary>
/// A transfer struck mid-file (rsync killed, syncwarden killed, network cut) never leaves a truncated
/// file under its final name, and the next run completes the replica.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class ResumeTests(SshServerFixture fixture)
{
    private const int SigKill = 9;
    // Far less than the ~9 s the rest of the big file would take, so a surviving rsync cannot just finish in time.
    private static readonly TimeSpan s_gone = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Kill_9_of_rsync_mid_transfer_then_rerun_gives_identical_tree()
    {
        // Arrange
        using var dir = new TempDir("resume-local");
        var (config, source, replica) = Interruption.SlowJob(dir);
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(Path.Combine(replica, ".syncwarden-tmp")) > 4_000_000, "rsync writing the big file", cli);

        // Act: SIGKILL every rsync process (sender, generator and receiver) at once.
        var rsyncs = Interruption.RsyncDescendants(cli.ProcessId);
        rsyncs.Should().HaveCountGreaterThanOrEqualTo(2, "a local rsync runs as sender plus receiver");
        foreach (var pid in rsyncs)
        {
            ProcessRunner.Signal(pid, SigKill);
        }
        var interrupted = await cli.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: a failed run, nothing truncated under a final name, the written data still there.
        interrupted.ExitCode.Should().Be(1, interrupted.ToString());
        Interruption.SingleRun(interrupted).GetProperty("result").GetString().Should().Be("failed");
        var work = Path.Combine(replica, "work");
        Interruption.CorruptFinalFiles(source, work).Should().BeEmpty();
        File.Exists(Path.Combine(work, "m-big.bin")).Should().BeFalse("the big file was not finished");
        Interruption.KeptPartialBytes(replica).Should().BeGreaterThan(4_000_000, "the killed receiver's data stays in .syncwarden-tmp until the next run");

        // Act and assert: run again.
        var record = await Interruption.RerunCompletesAsync(config, source, replica);
        // A SIGKILLed receiver cannot move its temp file to the partial dir, and the run clears
        // .syncwarden-tmp first (an incomplete file of unknown state), so the big file is sent whole.
        record.GetProperty("bytesTransferred").GetInt64().Should().BeGreaterThanOrEqualTo(Interruption.BigFileSize);
        Interruption.RsyncOrSshMentioning(dir.Path).Should().BeEmpty();
    }

    [Fact]
    public Task Kill_9_of_syncwarden_mid_pull_then_rerun_gives_identical_tree() => KillSyncwardenMidTransferAsync("pull");

    [Fact]
    public Task Kill_9_of_syncwarden_mid_push_then_rerun_gives_identical_tree() => KillSyncwardenMidTransferAsync("push");

    /// <summary>
    /// rsync keeps an interrupted file only when the run it interrupts was given the partial dir, so every
    /// transfer gets it, not just the one after an unfinished run: the first interruption after good runs
    /// must keep its data too.
    /// </summary>
    [Fact]
    public Task Kill_9_of_syncwarden_mid_push_after_a_good_run_still_resumes() => KillSyncwardenMidTransferAsync("push", afterAGoodRun: true);

    private async Task KillSyncwardenMidTransferAsync(string direction, bool afterAGoodRun = false)
    {
        // Arrange: the sshd runs on this machine, so "remote" paths are local paths too.
        var server = fixture.Server;
        using var dir = new TempDir("resume-" + direction);
        var (config, source, replica) = Interruption.SlowJob(dir, direction, server);
        var work = Path.Combine(replica, "work");
        if (afterAGoodRun)
        {
            // The big file arrives in the source after a run that succeeded.
            var big = Path.Combine(source, "m-big.bin");
            File.Move(big, dir.Combine("m-big.bin"));
            var good = await config.RunCliAsync("run", "slow", "--json");
            good.ExitCode.Should().Be(0, good.ToString());
            File.Move(dir.Combine("m-big.bin"), big);
        }
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        // The receiver writes to .syncwarden-tmp (pull) or to a hidden temp file beside the target (push).
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(replica) > 4_000_000, "rsync writing the big file", cli);
        var local = ProcFs.DescendantsOf(cli.ProcessId);
        var localRsync = local.Where(Interruption.IsRsync).ToList();
        localRsync.Should().NotBeEmpty();
        // With --secluded-args the remote rsync's command line names no path; it is a child of the test sshd.
        var remoteRsync = Interruption.RsyncDescendants(server.ProcessId);
        remoteRsync.Should().NotBeEmpty();

        // Act
        (await cli.KillAsync()).Should().BeTrue();
        await cli.WaitAsync(TimeSpan.FromSeconds(10));
        var stillAlive = await WaitUntilDeadAsync([.. local, .. remoteRsync], s_gone);

        // Assert: the parent-death signal stopped rsync (and ssh and the remote side followed).
        stillAlive.Should().BeEmpty("rsync must not outlive a killed syncwarden (local rsync {0}, remote {1})", string.Join(",", localRsync), string.Join(",", remoteRsync));
        Interruption.CorruptFinalFiles(source, work).Should().BeEmpty();
        File.Exists(Path.Combine(work, "m-big.bin")).Should().BeFalse("the big file was not finished");
        var kept = Interruption.KeptPartialBytes(replica);
        kept.Should().BeGreaterThan(4_000_000, "the stopped receiver keeps what it received in .syncwarden-partial");

        // Act and assert: run again.
        var record = await Interruption.RerunCompletesAsync(config, source, replica);
        // rsync's "total transferred file size" counts whole files, so the record shows the big file in
        // full; the literal data actually sent shows the resume.
        record.GetProperty("bytesTransferred").GetInt64().Should().BeGreaterThanOrEqualTo(Interruption.BigFileSize);
        Interruption.LiteralData(record).Should().BeLessThan(Interruption.BigFileSize - kept + 1_000_000, "the rerun resumes from the {0} bytes kept", kept);

        var earlier = (await Interruption.HistoryAsync(config)).Where(r => r.GetProperty("id").GetInt64() != record.GetProperty("id").GetInt64()).ToList();
        earlier.Should().HaveCount(afterAGoodRun ? 2 : 1);
        Interruption.ShouldHaveEnded(earlier[0], "failed", "interrupted");
    }

    /// <summary>
    /// The partial folder keeps an interrupted file under its name alone (rsync's rule for a partial folder at an absolute
    /// path). A file of the same name that rsync reaches first, up to date, makes rsync delete that data; the run after
    /// the interruption therefore resumes the interrupted file on its own before the whole sync.
    /// </summary>
    [Fact]
    public async Task Kill_9_mid_push_then_rerun_resumes_the_file_even_behind_an_up_to_date_file_of_the_same_name()
    {
        // Arrange: the big file sits in vm2/, after vm1/ whose small file of the same name is already replicated.
        var server = fixture.Server;
        using var dir = new TempDir("resume-twin");
        var (config, source, replica) = Interruption.SlowJob(dir, "push", server);
        Directory.CreateDirectory(Path.Combine(source, "vm1"));
        File.WriteAllText(Path.Combine(source, "vm1", "m-big.bin"), "a small file of the same name");
        File.Move(Path.Combine(source, "m-big.bin"), dir.Combine("m-big.bin"));
        var good = await config.RunCliAsync("run", "slow", "--json");
        good.ExitCode.Should().Be(0, good.ToString());
        var big = Path.Combine(source, "vm2", "m-big.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(big)!);
        File.Move(dir.Combine("m-big.bin"), big);
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(replica) > 4_000_000, "rsync writing the big file", cli);
        var processes = ProcFs.DescendantsOf(cli.ProcessId).Concat(Interruption.RsyncDescendants(server.ProcessId)).ToList();

        // Act
        (await cli.KillAsync()).Should().BeTrue();
        await cli.WaitAsync(TimeSpan.FromSeconds(10));
        (await WaitUntilDeadAsync(processes, s_gone)).Should().BeEmpty();
        var kept = Interruption.KeptPartialBytes(replica);
        var record = await Interruption.RerunCompletesAsync(config, source, replica);

        // Assert
        kept.Should().BeGreaterThan(4_000_000, "the stopped receiver keeps what it received in .syncwarden-partial");
        var log = File.ReadAllText(record.GetProperty("logFile").GetString()!);
        Interruption.LiteralData(record).Should().BeLessThan(Interruption.BigFileSize - kept + 1_000_000, "the rerun resumes from the {0} bytes kept; its log:\n{1}", kept, log);
        log.Should().Contain("resuming work/vm2/m-big.bin first");
    }

    [Fact]
    public Task Network_cut_mid_transfer_then_rerun_gives_identical_tree() => BehindALinkThatCanBeCutAsync(CutLinkMidPullAsync);

    /// <summary>A pull from an sshd behind a veth link that can be cut.</summary>
    private static async Task BehindALinkThatCanBeCutAsync(Func<NetworkNamespace, SshServer, Task> test)
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        var server = await SshServer.StartInNamespaceAsync(ns);
        try
        {
            await test(ns, server);
        }
        finally
        {
            // The server's half of a cut session only ends once the link is back and its
            // retransmissions meet the closed socket; wait for that so the server stops cleanly.
            await ns.RestoreLinkAsync();
            await WaitUntilDeadAsync(Interruption.RsyncDescendants(server.ProcessId), TimeSpan.FromSeconds(30));
            await server.DisposeAsync();
        }
    }

    private static async Task CutLinkMidPullAsync(NetworkNamespace ns, SshServer server)
    {
        // Arrange
        using var dir = new TempDir("resume-netcut");
        var (config, source, replica) = Interruption.SlowJob(dir, "pull", server, hostExtra: "ssh-options: [\"ServerAliveInterval=2\", \"ServerAliveCountMax=2\"]\n");
        var work = Path.Combine(replica, "work");
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(replica) > 4_000_000, "rsync writing the big file", cli);
        var localRsync = Interruption.RsyncDescendants(cli.ProcessId);

        // Act: every packet on the link vanishes, like a pulled cable.
        await ns.CutLinkAsync(LinkCut.SilentDrop);
        var cut = await cli.WaitAsync(TimeSpan.FromSeconds(40));

        // Assert: ssh's keepalive notices within seconds and the run fails, naming the host.
        cut.ExitCode.Should().Be(1, cut.ToString());
        var failed = Interruption.SingleRun(cut);
        failed.GetProperty("result").GetString().Should().Be("failed");
        var error = failed.GetProperty("error").GetString();
        error.Should().Contain("host 'backup'").And.Contain(server.Address).And.Contain("not responding");
        (await WaitUntilDeadAsync(localRsync, s_gone)).Should().BeEmpty();
        Interruption.CorruptFinalFiles(source, work).Should().BeEmpty();
        File.Exists(Path.Combine(work, "m-big.bin")).Should().BeFalse("the big file was not finished");
        var kept = Interruption.KeptPartialBytes(replica);
        kept.Should().BeGreaterThan(4_000_000, "the receiver keeps what it received in .syncwarden-partial when the connection drops");

        // Act and assert: the link comes back; run again.
        await ns.RestoreLinkAsync();
        await ns.WaitUntilReachableAsync(server.Port, TimeSpan.FromSeconds(20));
        var record = await Interruption.RerunCompletesAsync(config, source, replica);
        Interruption.LiteralData(record).Should().BeLessThan(Interruption.BigFileSize - kept + 1_000_000, "the rerun resumes from the {0} bytes kept", kept);
    }

    /// <summary>
    /// The same, within one run: the connection drops in the middle of the big file, and the retry (after the link is
    /// back) resumes it on its own first, although the small file of the same name was sent before it in this run.
    /// </summary>
    [Fact]
    public Task Network_cut_mid_pull_then_the_retry_resumes_the_file_even_behind_an_up_to_date_file_of_the_same_name() =>
        BehindALinkThatCanBeCutAsync(CutLinkMidPullThenRetryAsync);

    private static async Task CutLinkMidPullThenRetryAsync(NetworkNamespace ns, SshServer server)
    {
        // Arrange: vm1/m-big.bin (small) is sent before vm2/m-big.bin (big) in the same run.
        using var dir = new TempDir("resume-retry");
        var source = dir.CreateSubdirectory("src", "work");
        Interruption.BuildSource(source);
        Directory.CreateDirectory(Path.Combine(source, "vm1"));
        Directory.CreateDirectory(Path.Combine(source, "vm2"));
        File.WriteAllText(Path.Combine(source, "vm1", "m-big.bin"), "a small file of the same name");
        File.Move(Path.Combine(source, "m-big.bin"), Path.Combine(source, "vm2", "m-big.bin"));
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Host(TestConfig.PairHost, server, extra: "ssh-options: [\"ServerAliveInterval=2\", \"ServerAliveCountMax=2\"]\n")
            .Pair("slow", "pull", source, replica, "bandwidth: 4000\nretries: { count: 1, delay: 8s }");
        await using var cli = await config.StartCliAsync("run", "slow", "--json");
        await Interruption.WaitUntilAsync(() => Interruption.BytesUnder(replica) > 4_000_000, "rsync writing the big file", cli);

        // Act: the link goes silent; once the attempt has failed it comes back, before the retry.
        await ns.CutLinkAsync(LinkCut.SilentDrop);
        await Locks.LockTestBed.WaitForLogAsync(config, "slow", "retrying in", TimeSpan.FromSeconds(40));
        var kept = Interruption.KeptPartialBytes(replica);
        await ns.RestoreLinkAsync();
        var run = await cli.WaitAsync(TimeSpan.FromSeconds(90));

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        kept.Should().BeGreaterThan(4_000_000, "the receiver keeps what it received in .syncwarden-partial when the connection drops");
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(replica, "work"))).Should().BeEmpty();
        var record = Interruption.SingleRun(run);
        var log = File.ReadAllText(record.GetProperty("logFile").GetString()!);
        Interruption.LiteralData(record).Should().BeLessThan(Interruption.BigFileSize - kept + 1_000_000, "the retry resumes from the {0} bytes kept; the log:\n{1}", kept, log);
        log.Should().Contain("resuming work/vm2/m-big.bin first");
    }

    private static async Task<IReadOnlyList<int>> WaitUntilDeadAsync(IReadOnlyList<int> pids, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (pids.Any(ProcFs.IsAlive) && clock.Elapsed < timeout)
        {
            await Task.Delay(100);
        }
        return [.. pids.Where(ProcFs.IsAlive)];
    }
}

using System.Text;
using Syncwarden.IntegrationTests.Engine.Ssh;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Tls;

/// <summary>rsync's daemon protocol inside TLS: real stunnel on both sides, a real rsync daemon started by <c>syncwarden serve</c>, on loopback.</summary>
public sealed partial class TlsTransportTests
{
    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    public async Task Hostile_file_names_replicate_exactly_over_rsync_tls(string direction)
    {
        // Arrange: serve and the sender read the same file; the receiving side's folder is a module of serve.
        using var dir = new TempDir("tls-hostile-" + direction);
        var hostile = await TreeBuilder.BuildHostileTreeAsync(dir.Combine("src", "it's $(x) `y`"));
        var replica = dir.CreateSubdirectory("replica with 'quotes' and $(touch x)");
        await using var bed = new TlsBed(dir);
        await bed.CreateKeyAsync();
        bed.Config.Job("hostile", $$"""
            direction: {{direction}}
            host: {{TlsBed.Host}}
            syncs: [{ source: {{TestConfig.Q(hostile.Root + "/")}}, destination: {{TestConfig.Q(replica)}}, options: [--delete] }]
            """);
        await bed.StartServeAsync();

        // Act
        var run = await bed.Config.RunCliAsync("run", "hostile", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        (await TreeComparer.DescribeDifferencesAsync(hostile.Root, replica)).Should().BeEmpty();
        hostile.TriggeredCanaries().Should().BeEmpty();
        File.Exists(dir.Combine("x")).Should().BeFalse();
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("succeeded");
        record.Log.Should().Contain($"syncwarden@{TlsBed.Host}::hostile.1", "the remote side is the job's module").And.Contain("stunnel4").And.Contain("client-receiver.conf");
    }

    [Fact]
    public async Task Wrong_psk_is_refused_with_a_clear_error_and_nothing_is_written()
    {
        // Arrange: serve has one key; the sender, with its own copy of the configuration, has another.
        using var dir = new TempDir("tls-wrong-psk");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 1000).File("sub/b.txt", 10).Root;
        var replica = dir.CreateSubdirectory("replica");
        await using var bed = new TlsBed(dir);
        await bed.CreateKeyAsync();
        var job = $$"""
            direction: push
            host: {{TlsBed.Host}}
            retries: { count: 0 }
            syncs: [{ source: {{TestConfig.Q(source + "/")}}, destination: {{TestConfig.Q(replica)}} }]
            """;
        bed.Config.Job("nightly", job);
        await bed.StartServeAsync();
        using var senderDir = new TempDir("tls-wrong-psk-sender");
        var wrongKey = senderDir.Combine("wrong.psk");
        (await SyncwardenCli.RunAsync(["keys", "psk", wrongKey])).EnsureSuccess("keys psk");
        var sender = new TestConfig(senderDir).TlsHost(TlsBed.Host, bed.Port, wrongKey).Job("nightly", job);

        // Act
        var run = await sender.RunCliAsync("run", "nightly", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var record = RunOutput.Parse(run);
        record.Result.Should().Be("failed");
        record.Error.Should().Contain($"TLS pre-shared key refused by 127.0.0.1:{bed.Port} — check psk-file {wrongKey}");
        record.Log.Should().NotContain(File.ReadAllText(wrongKey).Split(':')[1].Trim(), "the key is never logged");
        Directory.EnumerateFileSystemEntries(replica).Should().BeEmpty("nothing was written");
        bed.Serve!.HasExited.Should().BeFalse("a refused connection does not stop serve");
    }

    [Fact]
    public async Task Traffic_capture_holds_only_tls_records_and_no_plaintext_of_a_transferred_file()
    {
        // Arrange: a file whose content appears nowhere else; tcpdump on the loopback interface, on the TLS port only.
        using var dir = new TempDir("tls-capture");
        var canary = "SYNCWARDEN-PLAINTEXT-CANARY-" + Guid.NewGuid().ToString("N");
        var source = dir.CreateSubdirectory("src");
        var content = string.Concat(Enumerable.Repeat(canary + "\n", 200));
        File.WriteAllText(Path.Combine(source, "secret.txt"), content);
        var replica = dir.CreateSubdirectory("replica");
        await using var bed = new TlsBed(dir);
        await bed.ServePushAsync("nightly", source, replica);
        var pcap = dir.Combine("tls.pcap");
        var tcpdump = TestProcess.Start("tcpdump", ["-i", "lo", "-n", "--immediate-mode", "-U", "-s", "0", "-w", pcap, "tcp port " + bed.Port]);
        await using (tcpdump)
        {
            await WaitForAsync(() => tcpdump.StandardErrorSoFar.Contains("listening on", StringComparison.Ordinal) || tcpdump.HasExited);
            tcpdump.HasExited.Should().BeFalse(tcpdump.StandardErrorSoFar);

            // Act
            var run = await bed.Config.RunCliAsync("run", "nightly", "--json");
            // Packets reach the file a moment after they crossed (a loaded machine); wait for them, bounded.
            await WaitForAsync(() => new FileInfo(pcap).Length > content.Length);
            await tcpdump.StopAsync("INT", TimeSpan.FromSeconds(10));

            // Assert
            run.ExitCode.Should().Be(0, run.ToString());
            File.ReadAllText(Path.Combine(replica, "secret.txt")).Should().Contain(canary, "the content did cross");
        }
        var captured = File.ReadAllBytes(pcap);
        captured.Length.Should().BeGreaterThan(content.Length, "the whole transfer, the file's bytes encrypted among them, was captured");
        IndexOf(captured, Encoding.ASCII.GetBytes(canary)).Should().Be(-1, "no plaintext of the file crossed the TLS port");
        IndexOf(captured, Encoding.ASCII.GetBytes("@RSYNCD")).Should().Be(-1, "not even rsync's greeting");
        IndexOf(captured, [0x17, 0x03, 0x03]).Should().BeGreaterThan(0, "TLS application data records crossed");
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public async Task Stopping_serve_leaves_no_child_behind(string signal)
    {
        // Arrange: serve has run a transfer (so the daemon has forked for a connection).
        using var dir = new TempDir("tls-stop-" + signal);
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 1000).Root;
        var replica = dir.CreateSubdirectory("replica");
        await using var bed = new TlsBed(dir);
        var serve = await bed.ServePushAsync("nightly", source, replica);
        (await bed.Config.RunCliAsync("run", "nightly")).EnsureSuccess("run over rsync-tls");
        var children = ProcFs.DescendantsOf(serve.ProcessId);
        var stunnelAndRsync = children.Select(ProcFs.CommandLine).OfType<IReadOnlyList<string>>().Select(a => Path.GetFileName(a[0])).ToList();

        // Act
        await serve.SignalAsync(signal);
        var result = await serve.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(() => children.All(p => !ProcFs.IsAlive(p)));

        // Assert
        stunnelAndRsync.Should().Contain("stunnel4").And.Contain("rsync");
        children.Where(ProcFs.IsAlive).Should().BeEmpty("the children die with serve");
        ProcFs.FindByCommandLine(bed.Config.StateDir).Should().BeEmpty("no process of this state dir is left");
        if (signal == "TERM")
        {
            result.ExitCode.Should().Be(0, result.ToString());
            result.StandardError.Should().Contain("serve stopped");
        }
    }

    [Fact]
    public async Task Push_module_keeps_writes_inside_its_folder_and_refuses_reads()
    {
        // Arrange: a working job (so the sender's stunnel configuration exists), then raw rsync against the same module.
        using var dir = new TempDir("tls-module");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 1000).Root;
        var replica = dir.CreateSubdirectory("data", "replica");
        var outside = dir.CreateSubdirectory("outside");
        await using var bed = new TlsBed(dir);
        await bed.ServePushAsync("nightly", source, replica);
        (await bed.Config.RunCliAsync("run", "nightly")).EnsureSuccess("run over rsync-tls");
        File.CreateSymbolicLink(Path.Combine(replica, "escape"), outside);
        string[] connection = ["--rsh=stunnel4 " + Path.Combine(bed.Config.StateDir, "tls", "client-receiver.conf"), "--password-file=" + bed.PskFile];
        var module = $"syncwarden@{TlsBed.Host}::nightly.1";
        var pulled = dir.CreateSubdirectory("pulled");

        // Act
        var upward = await TestProcess.RunAsync("rsync", ["-a", .. connection, source + "/", module + "/../../outside/up/"]);
        var throughLink = await TestProcess.RunAsync("rsync", ["-a", .. connection, source + "/", module + "/escape/"]);
        var read = await TestProcess.RunAsync("rsync", ["-a", .. connection, module + "/", pulled + "/"]);

        // Assert
        Directory.EnumerateFileSystemEntries(outside).Should().BeEmpty($"writes stay inside the module (up: {upward}; link: {throughLink})");
        Directory.EnumerateFileSystemEntries(dir.Combine("data")).Select(Path.GetFileName).Should().BeEquivalentTo(["replica"]);
        read.ExitCode.Should().NotBe(0);
        read.StandardError.Should().Contain("module is write only");
        Directory.EnumerateFileSystemEntries(pulled).Should().BeEmpty();
    }

    [Fact]
    public async Task Empty_source_with_delete_is_refused_over_rsync_tls()
    {
        // Arrange: a replica with files, an empty source and --delete.
        using var dir = new TempDir("tls-empty");
        var source = dir.CreateSubdirectory("src");
        var replica = new TreeBuilder(dir.CreateSubdirectory("replica")).File("keep.txt", 100).Root;
        await using var bed = new TlsBed(dir);
        await bed.ServePushAsync("nightly", source, replica, "--delete");

        // Act
        var run = await bed.Config.RunCliAsync("run", "nightly", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        RunOutput.Parse(run).Error.Should().Contain("is empty; refusing to run with --delete");
        File.Exists(Path.Combine(replica, "keep.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Max_delete_over_the_cap_is_refused_over_rsync_tls_before_anything_changes()
    {
        // Arrange: ten files replicated over TLS, then six removed at the source and one added; the cap is 5.
        using var dir = new TempDir("tls-max-delete");
        var source = dir.CreateSubdirectory("src");
        var builder = new TreeBuilder(source);
        for (var i = 0; i < 10; i++)
        {
            builder.File($"f{i}.txt", $"file {i}\n");
        }
        var replica = dir.CreateSubdirectory("replica");
        await using var bed = new TlsBed(dir);
        await bed.ServePushAsync("nightly", source, replica, "--delete", "max-delete: 5");
        (await bed.Config.RunCliAsync("run", "nightly", "--no-progress")).EnsureSuccess("first push");
        for (var i = 0; i < 6; i++)
        {
            File.Delete(Path.Combine(source, $"f{i}.txt"));
        }
        File.WriteAllText(Path.Combine(source, "new.txt"), "new");

        // Act
        var run = await bed.Config.RunCliAsync("run", "nightly", "--no-progress");

        // Assert: the dry-run pre-pass went through the TLS module too, and nothing was deleted or sent.
        run.ExitCode.Should().Be(1, run.ToString());
        run.StandardOutput.Should().Contain("would delete 6").And.Contain("max-delete 5");
        Directory.EnumerateFiles(replica).Should().HaveCount(10);
        File.Exists(Path.Combine(replica, "new.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Progress_of_a_push_over_rsync_tls_shows_percent_rate_and_eta()
    {
        // Arrange: one 12 MiB file at 2000 KiB/s (about 6 s), so a run without a terminal prints at least one progress line.
        using var dir = new TempDir("tls-progress");
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("big.bin", 12 * 1024 * 1024).Root;
        var replica = dir.CreateSubdirectory("replica");
        await using var bed = new TlsBed(dir);
        await bed.ServePushAsync("slow", source, replica, jobSettings: "bandwidth: 2000");

        // Act
        var run = await bed.Config.RunCliAsync("run", "slow");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var percents = run.StandardError.Split('\n').Select(l => TlsProgressLine().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        percents.Should().NotBeEmpty(run.StandardError).And.BeInAscendingOrder().And.OnlyContain(p => p >= 0 && p <= 100);
        new FileInfo(Path.Combine(replica, "big.bin")).Length.Should().Be(12 * 1024 * 1024);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"slow \[1/1\] \[[#.]{24}\] +(\d+)% .+/s ETA [\d:-]+")]
    private static partial System.Text.RegularExpressions.Regex TlsProgressLine();

    [Fact]
    public Task Interrupted_push_keeps_its_partial_file_in_the_module_and_the_rerun_completes() => InterruptPushThenRerunAsync(twin: false);

    /// <summary>The partial file is kept under its name only; a small file of the same name met first must not take it.</summary>
    [Fact]
    public Task Interrupted_push_resumes_even_behind_a_file_of_the_same_name() => InterruptPushThenRerunAsync(twin: true);

    private static async Task InterruptPushThenRerunAsync(bool twin)
    {
        // Arrange: a slow push (4000 KiB/s) of a 40 MB file between small ones.
        using var dir = new TempDir("tls-resume");
        var source = dir.CreateSubdirectory("src");
        Resilience.Interruption.BuildSource(source);
        if (twin)
        {
            // vm1/ comes before vm2/ in rsync's order, so its small m-big.bin is met (and sent) first.
            Directory.CreateDirectory(Path.Combine(source, "vm1"));
            Directory.CreateDirectory(Path.Combine(source, "vm2"));
            File.WriteAllText(Path.Combine(source, "vm1", "m-big.bin"), "a small file of the same name");
            File.Move(Path.Combine(source, "m-big.bin"), Path.Combine(source, "vm2", "m-big.bin"));
        }
        var replica = dir.CreateSubdirectory("replica");
        await using var bed = new TlsBed(dir);
        await bed.ServePushAsync("slow", source, replica, jobSettings: "bandwidth: 4000\nretries: { count: 0 }");
        await using var cli = await bed.Config.StartCliAsync("run", "slow", "--json");
        await Resilience.Interruption.WaitUntilAsync(() => Resilience.Interruption.BytesUnder(replica) > 8_000_000, "the daemon writing the big file", cli);

        // Act: stop the run (SIGTERM: rsync stops, the daemon keeps what it received), then run again.
        await cli.TerminateAsync();
        var interrupted = await cli.WaitAsync(TimeSpan.FromSeconds(60));
        await WaitForAsync(() => Resilience.Interruption.BytesUnder(Path.Combine(replica, ".syncwarden-partial")) > 4_000_000);
        var kept = Resilience.Interruption.BytesUnder(Path.Combine(replica, ".syncwarden-partial"));
        var rerun = await bed.Config.RunCliAsync(TimeSpan.FromSeconds(120), "run", "slow", "--json");

        // Assert
        interrupted.ExitCode.Should().Be(1, interrupted.ToString());
        kept.Should().BeGreaterThan(4_000_000, "the partial file is kept at the module's root, " + RunOutput.Parse(interrupted).Log);
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        // Without a remote shell the emptied partial folder cannot be removed; it is excluded from transfers and deletions.
        (await TreeComparer.DescribeDifferencesAsync(source, replica)).Should().OnlyContain(d => d.EndsWith("/.syncwarden-partial", StringComparison.Ordinal) || d.EndsWith(": .syncwarden-partial", StringComparison.Ordinal));
        Resilience.Interruption.CorruptFinalFiles(source, replica).Should().BeEmpty();
        RunOutput.Parse(rerun).Log.Should().MatchRegex(@"Matched data: [1-9][0-9,]* bytes", "the rerun resumed from the partial file");
        if (twin)
        {
            RunOutput.Parse(rerun).Log.Should().Contain("resuming vm2/m-big.bin first");
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        // A hang guard, not a timing assertion.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }
}

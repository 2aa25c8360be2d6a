using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Locks;

[Collection(SshCollection.Name)]
public sealed class LockIntegrationTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Fact]
    public async Task Two_instances_holding_the_same_remote_lock_never_overlap_and_the_waiter_follows_the_holder()
    {
        // Arrange: two separate configs (two syncwarden instances), one remote lock with a hostile path.
        using var dir = new TempDir("locks-two");
        var lockPath = dir.Combine("remote locks", "it's a $(touch pwned) `id` \"lock\"; x.lock");
        var first = new TestConfig(new TempDir("locks-a")).Host("nas", _server).Job("first", LockTestBed.SlowJob(dir, "first", $"locks: [{TestConfig.Q("nas:" + lockPath)}]"));
        var second = new TestConfig(new TempDir("locks-b")).Host("nas", _server).Job("second", LockTestBed.SlowJob(dir, "second", $"locks: [{TestConfig.Q("nas:" + lockPath)}]"));
        try
        {
            // Act
            await using var a = await first.StartCliAsync("run", "first", "--no-progress", "--json");
            await LockTestBed.WaitForLogAsync(first, "first", "locks taken");
            var heldContent = await _server.RunRemoteAsync("cat", lockPath);
            await using var b = await second.StartCliAsync("run", "second", "--no-progress", "--json");
            await LockTestBed.WaitForLogAsync(second, "second", "waiting: lock nas:");
            var aResult = await a.WaitAsync(TimeSpan.FromSeconds(60));
            var bResult = await b.WaitAsync(TimeSpan.FromSeconds(60));

            // Assert
            aResult.ExitCode.Should().Be(0, aResult.ToString());
            bResult.ExitCode.Should().Be(0, bResult.ToString());
            heldContent.StandardOutput.Should().StartWith("syncwarden-lock kind=flock ").And.Contain("job=first");
            var aLog = LockTestBed.LogText(first, "first");
            var bLog = LockTestBed.LogText(second, "second");
            bLog.Should().Contain("job=first", "the waiter names the holder");
            var aTaken = LockTestBed.NoteTime(aLog, "locks taken");
            var aReleased = LockTestBed.NoteTime(aLog, "locks released");
            var bTaken = LockTestBed.NoteTime(bLog, "locks taken");
            var bReleased = LockTestBed.NoteTime(bLog, "locks released");
            (aReleased - aTaken).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), "the transfer is slow");
            bTaken.Should().BeOnOrAfter(aReleased, "the second holds the lock only after the first released it");
            (bTaken - aReleased).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(3), "the waiter proceeds within a poll interval");
            bReleased.Should().BeAfter(bTaken);
            (await _server.RunRemoteAsync("test", "-e", lockPath)).ExitCode.Should().Be(1, "a clean release removes the lock file");
            File.Exists(Path.Combine(Path.GetDirectoryName(lockPath)!, "pwned")).Should().BeFalse();
            Directory.GetFiles(Path.GetDirectoryName(lockPath)!).Should().BeEmpty();
        }
        finally
        {
            first.Dir.Dispose();
            second.Dir.Dispose();
        }
    }

    [Fact]
    public async Task A_lock_file_the_job_holds_inside_its_source_is_not_copied()
    {
        // Arrange: a push with --delete whose lock is a file in its source.
        using var dir = new TempDir("locks-in-source");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("data.txt", 100).File("run/other.lock", 10);
        var replica = dir.CreateSubdirectory("replica");
        var lockFile = Path.Combine(source, "run", "nightly.lock");
        var config = new TestConfig(dir).Pair("j", "push", source, replica, $"locks: [{TestConfig.Q(lockFile)}]", _server, syncOptions: "--delete");

        // Act
        var run = await config.RunCliAsync("run", "j", "--no-progress", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.StandardError);
        Directory.EnumerateFiles(replica, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(replica, f))
            .Should().BeEquivalentTo(["src/data.txt", "src/run/other.lock"], "the job's own lock file stays on the source side");
        using var json = JsonDocument.Parse(run.StandardOutput);
        File.ReadAllText(json.RootElement[0].GetProperty("logFile").GetString()!).Should().Contain("locks taken", "the lock file was there while rsync ran");
        File.Exists(lockFile).Should().BeFalse("the run removes its lock file when it lets go");
    }

    [Fact]
    public async Task Kill_9_of_the_holder_leaves_no_lock_that_blocks_and_the_next_run_warns()
    {
        // Arrange: a local and a remote lock.
        using var dir = new TempDir("locks-kill");
        var local = dir.Combine("locks", "local.lock");
        var remote = dir.Combine("locks", "remote.lock");
        var config = new TestConfig(dir).Host("nas", _server)
            .Job("job", LockTestBed.SlowJob(dir, "job", $"locks: [{TestConfig.Q(local)}, {TestConfig.Q("nas:" + remote)}]\nblocks-on-timeout: 5s"));
        await using (var holder = await config.StartCliAsync("run", "job", "--no-progress"))
        {
            await LockTestBed.WaitForLogAsync(config, "job", "locks taken");

            // Act
            await holder.KillAsync();
            await holder.WaitAsync(TimeSpan.FromSeconds(10));
        }
        var previousLog = LockTestBed.LogOf(config, "job");
        var next = await config.RunCliAsync("run", "job", "--no-progress", "--json");

        // Assert
        next.ExitCode.Should().Be(0, next.ToString());
        LockTestBed.LogOf(config, "job").Should().NotBe(previousLog);
        var log = LockTestBed.LogText(config, "job");
        log.Should().Contain($"lock file {local} was present but not held: the previous run was aborted");
        log.Should().Contain($"lock file nas:{remote} was present but not held: the previous run was aborted");
        log.Should().NotContain("waiting:", "nothing was held any more");
        File.Exists(local).Should().BeFalse();
        File.Exists(remote).Should().BeFalse();
    }

    [Fact]
    public async Task A_foreign_lock_file_matched_by_a_glob_blocks_until_it_is_removed()
    {
        // Arrange
        using var dir = new TempDir("locks-veeam");
        var veeam = dir.CreateSubdirectory("veeam");
        var foreign = Path.Combine(veeam, "job.lock");
        await File.WriteAllTextAsync(foreign, "VeeamAgent backup job 42\n");
        var config = new TestConfig(dir).Job("job", LockTestBed.SlowJob(dir, "job", $"blocks-on: [{TestConfig.Q(veeam + "/*.lock")}]\nblocks-on-timeout: 1m"));

        // Act
        await using var run = await config.StartCliAsync("run", "job", "--no-progress", "--json");
        await LockTestBed.WaitForLogAsync(config, "job", "waiting:");
        await Task.Delay(2500);
        var stillWaiting = !run.HasExited && !LockTestBed.LogText(config, "job").Contains("locks taken", StringComparison.Ordinal);
        File.Delete(foreign);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        stillWaiting.Should().BeTrue("the job must wait while the foreign lock file exists");
        result.ExitCode.Should().Be(0, result.ToString());
        var log = LockTestBed.LogText(config, "job");
        log.Should().Contain($"waiting: lock file {foreign} exists (VeeamAgent backup job 42)").And.NotContain("waiting: waiting");
        LockTestBed.NoteTime(log, "locks taken").Should().BeOnOrAfter(LockTestBed.NoteTime(log, "waiting:"));
    }

    [Fact]
    public async Task With_a_short_blocks_on_timeout_the_run_fails_naming_the_file_and_its_holder()
    {
        // Arrange: the blocking file is on the remote host this time.
        using var dir = new TempDir("locks-timeout");
        var veeam = dir.CreateSubdirectory("veeam");
        await File.WriteAllTextAsync(Path.Combine(veeam, "nightly.lock"), "VeeamAgent job 7 pid 99\n");
        var config = new TestConfig(dir).Host("nas", _server)
            .Job("job", LockTestBed.SlowJob(dir, "job", $"blocks-on: [{TestConfig.Q("nas:" + veeam + "/*.lock")}]\nblocks-on-timeout: 3s"));

        // Act
        var started = DateTime.UtcNow;
        var result = await config.RunCliAsync("run", "job", "--no-progress", "--json");
        var elapsed = DateTime.UtcNow - started;

        // Assert
        result.ExitCode.Should().Be(1, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        json.RootElement[0].GetProperty("result").GetString().Should().Be("failed");
        json.RootElement[0].GetProperty("error").GetString().Should()
            .Contain($"nas:{veeam}/nightly.lock").And.Contain("VeeamAgent job 7 pid 99").And.Contain("blocks-on-timeout 3s");
        json.RootElement[0].GetProperty("bytesTransferred").GetInt64().Should().Be(0);
        elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(3)).And.BeLessThan(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Lock_acquire_waits_for_a_running_job_that_blocks_on_the_name_then_creates_it()
    {
        // Arrange
        using var dir = new TempDir("locks-acquire");
        var veeam = dir.CreateSubdirectory("veeam");
        var name = Path.Combine(veeam, "backup.lock");
        var config = new TestConfig(dir).Job("job", LockTestBed.SlowJob(dir, "job", $"blocks-on: [{TestConfig.Q(veeam + "/*.lock")}]"));
        await using var run = await config.StartCliAsync("run", "job", "--no-progress", "--json");
        await LockTestBed.WaitForLogAsync(config, "job", "locks taken");

        // Act
        await using var acquire = await config.StartCliAsync("lock", "acquire", name, "--poll", "1s", "--wait", "1m");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!acquire.StandardErrorSoFar.Contains("waiting for job job", StringComparison.Ordinal) && !acquire.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        var acquireWaited = !acquire.HasExited && !File.Exists(name);
        var runResult = await run.WaitAsync(TimeSpan.FromSeconds(60));
        var runEnded = DateTime.UtcNow;
        var acquireResult = await acquire.WaitAsync(TimeSpan.FromSeconds(30));
        var content = await File.ReadAllTextAsync(name);
        var release = await config.RunCliAsync("lock", "release", name);
        var again = await config.RunCliAsync("lock", "release", name);

        // Assert
        runResult.ExitCode.Should().Be(0, runResult.ToString());
        acquireWaited.Should().BeTrue("lock acquire must wait while a job that blocks on the name is running");
        acquireResult.ExitCode.Should().Be(0, acquireResult.ToString());
        acquireResult.StandardError.Should().Contain("waiting for job job");
        DateTime.UtcNow.Should().BeOnOrAfter(runEnded);
        content.Should().StartWith("syncwarden-lock kind=file ");
        release.ExitCode.Should().Be(0, release.ToString());
        again.ExitCode.Should().Be(0, again.ToString());
        again.StandardError.Should().Contain("does not exist");
        File.Exists(name).Should().BeFalse();
    }

    [Fact]
    public async Task Lock_acquire_gives_up_with_exit_1_after_its_wait()
    {
        using var dir = new TempDir("locks-acquire-timeout");
        var veeam = dir.CreateSubdirectory("veeam");
        var name = Path.Combine(veeam, "backup.lock");
        var config = new TestConfig(dir).Job("job", LockTestBed.SlowJob(dir, "job", $"locks: [{TestConfig.Q(name)}]"));
        await using var run = await config.StartCliAsync("run", "job", "--no-progress");
        await LockTestBed.WaitForLogAsync(config, "job", "locks taken");

        var acquire = await config.RunCliAsync("lock", "acquire", name, "--poll", "1s", "--wait", "1s");

        acquire.ExitCode.Should().Be(1, acquire.ToString());
        acquire.StandardError.Should().Contain("gave up").And.Contain("job job");
        (await run.WaitAsync(TimeSpan.FromSeconds(60))).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Lock_list_json_shows_state_holder_and_age_of_local_and_remote_locks()
    {
        // Arrange
        using var dir = new TempDir("locks-list");
        var veeam = dir.CreateSubdirectory("veeam");
        await File.WriteAllTextAsync(Path.Combine(veeam, "a.lock"), "VeeamAgent job 1\n");
        var local = dir.Combine("locks", "l.lock");
        var remote = dir.Combine("locks", "r.lock");
        var config = new TestConfig(dir).Host("nas", _server).Job("job", LockTestBed.SlowJob(dir, "job",
            $"locks: [{TestConfig.Q(local)}, {TestConfig.Q("nas:" + remote)}]\nblocks-on: [{TestConfig.Q("nas:" + veeam + "/*.lock")}, {TestConfig.Q(dir.Combine("none", "*.lock"))}]\nblocks-on-timeout: 1m"));
        await using var run = await config.StartCliAsync("run", "job", "--no-progress");
        await LockTestBed.WaitForLogAsync(config, "job", "waiting:");
        File.Delete(Path.Combine(veeam, "a.lock"));
        await LockTestBed.WaitForLogAsync(config, "job", "locks taken");
        await File.WriteAllTextAsync(Path.Combine(veeam, "b.lock"), "VeeamAgent job 2\n");
        await Task.Delay(1100);

        // Act
        var list = await config.RunCliAsync("lock", "list", "--json");

        // Assert
        list.ExitCode.Should().Be(0, list.ToString());
        using var json = JsonDocument.Parse(list.StandardOutput);
        var rows = json.RootElement.EnumerateArray().ToDictionary(
            r => (r.GetProperty("host").GetString() is { } h ? h + ":" : "") + r.GetProperty("path").GetString());
        rows.Should().HaveCount(4, list.StandardOutput);
        foreach (var key in new[] { local, "nas:" + remote })
        {
            rows[key].GetProperty("kind").GetString().Should().Be("lock");
            rows[key].GetProperty("state").GetString().Should().Be("held");
            rows[key].GetProperty("holder").GetString().Should().StartWith("syncwarden-lock kind=flock").And.Contain("job=job");
            rows[key].GetProperty("ageSeconds").GetDouble().Should().BeGreaterThanOrEqualTo(1);
        }
        var veeamRow = rows["nas:" + Path.Combine(veeam, "b.lock")];
        veeamRow.GetProperty("kind").GetString().Should().Be("blocks-on");
        veeamRow.GetProperty("lock").GetString().Should().Be("nas:" + veeam + "/*.lock");
        veeamRow.GetProperty("state").GetString().Should().Be("present");
        veeamRow.GetProperty("holder").GetString().Should().Be("VeeamAgent job 2");
        rows[dir.Combine("none", "*.lock")].GetProperty("state").GetString().Should().Be("free");
        (await run.WaitAsync(TimeSpan.FromSeconds(60))).ExitCode.Should().Be(0);
    }
}

using System.Text.Json;
using Syncwarden.Devices;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Devices;

/// <summary>
/// Removable disks (<c>device:</c>, seed 003) with the real CLI, real rsync and real ext4 images attached as loop
/// devices with chosen UUIDs: which disk is used, who is mailed, free space, and that the disk is unmounted on
/// success, failure and after a kill.
/// </summary>
public sealed class DeviceTests
{
    private const string Owner = "disk-owner@example.net";

    /// <summary>One test's folders and a job "offsite" from src/ to data/ on the disk mounted at mnt/.</summary>
    private sealed class DiskBed : IDisposable
    {
        public DiskBed(string label)
        {
            Dir = new TempDir("device-" + label);
            Source = Dir.CreateSubdirectory("src");
            Mountpoint = Dir.Combine("mnt");
            Config = new TestConfig(Dir) { LogLevel = "info" };
        }

        public TempDir Dir { get; }
        public string Source { get; }
        public string Mountpoint { get; }
        public string Destination => Path.Combine(Mountpoint, "data");
        public TestConfig Config { get; }

        /// <summary>
        /// Adds a job writing Source to Destination on the first attached of <paramref name="uuids"/>; with
        /// <paramref name="ownerOfLast"/> the last disk's notify: names <see cref="Owner"/> (that needs an email: section).
        /// </summary>
        public DiskBed Job(string name, IReadOnlyList<string> uuids, string deviceExtra = "", string jobExtra = "", bool ownerOfLast = false)
        {
            var disks = string.Join(", ", uuids.Select((u, i) => $"{{ uuid: {u}{(ownerOfLast && i == uuids.Count - 1 ? $", notify: [{Owner}]" : "")} }}"));
            Config.Job(name, $$"""
                direction: local
                {{jobExtra}}
                device: { uuids: [{{disks}}], mountpoint: {{TestConfig.Q(Mountpoint)}}{{deviceExtra}} }
                syncs: [{ source: {{TestConfig.Q(Source + "/")}}, destination: {{TestConfig.Q(Destination)}} }]
                """);
            return this;
        }

        public string Marker(string job) => Path.Combine(Config.StateDir, "devices", job + ".json");

        public void Dispose() => Dir.Dispose();
    }

    private static JsonElement SingleRun(ProcessResult run) => JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateArray().Single();

    [Fact]
    public async Task A_disk_plugged_in_where_another_was_a_moment_ago_is_found_by_its_own_uuid()
    {
        // Arrange: disk A is looked up (the system's blkid cache now ties the loop device to A's UUID), then
        // unplugged, and disk B takes the same loop device within the second.
        using var dir = new TempDir("device-swap");
        var tools = new DiskTools(new Syncwarden.Processes.ProcessRunner(), TimeProvider.System);
        var first = await LoopDisk.AttachAsync(dir, LoopDisk.NewUuid());
        (await tools.FindAsync(first.Uuid)).Should().Be(first.Device);
        (await TestProcess.RunAsync("blkid", ["-U", first.Uuid], TimeSpan.FromSeconds(30))).StandardOutput.Trim().Should().Be(first.Device);
        await using var second = await first.SwapToAsync(dir, LoopDisk.NewUuid());

        // Act
        var found = await tools.FindAsync(second.Uuid);
        var gone = await tools.FindAsync(first.Uuid);

        // Assert
        found.Should().Be(second.Device, "the disk now attached is B, whatever a cache remembers of A");
        gone.Should().BeNull("A is no longer attached anywhere");
    }

    [Fact]
    public async Task Second_listed_disk_is_mounted_used_unmounted_and_its_receiver_gets_the_result_mail()
    {
        // Arrange: two disks listed, only the second attached; the global receiver hears of failures only.
        await using var smtp = await SmtpServer.StartAsync(SmtpMode.Plain, withLogin: false);
        using var bed = new DiskBed("second");
        new TreeBuilder(bed.Source).File("a.txt", 1000).File("sub/b.bin", 200_000);
        bed.Config.TopLevel(smtp.EmailYaml(extra: "on: [failure]"));
        await using var disk = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        bed.Job("offsite", [LoopDisk.NewUuid(), disk.Uuid], ownerOfLast: true);

        // Act
        var run = await bed.Config.RunCliAsync("run", "offsite", "--no-progress", "--json");
        var mails = await smtp.WaitForAsync(1);

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        SingleRun(run).GetProperty("result").GetString().Should().Be("succeeded");
        disk.Mountpoints().Should().BeEmpty("the disk is unmounted after the run");
        File.Exists(bed.Marker("offsite")).Should().BeFalse();
        var mail = mails.Should().ContainSingle().Subject;
        mail.Recipients.Should().Equal(Owner);
        mail.Message.Subject.Should().EndWith("offsite succeeded");
        mail.Text.Should().Contain($"Free space on the disk {disk.Uuid} ({bed.Mountpoint}):");
        var differences = await disk.InspectAsync(bed.Dir, at => TreeComparer.DescribeDifferencesAsync(bed.Source, Path.Combine(at, "data")));
        differences.Should().BeEmpty("the replica is on the disk");
        var log = await File.ReadAllTextAsync(SingleRun(run).GetProperty("logFile").GetString()!);
        log.Should().Contain($"disk {disk.Uuid} ({disk.Device}) mounted at {bed.Mountpoint}").And.Contain("space check:").And.Contain($"disk {disk.Uuid} unmounted");
    }

    [Theory]
    [InlineData("before-hook", "hooks: { before: [[/bin/false]] }")]
    [InlineData("missing-source", "")]
    public async Task Disk_is_unmounted_after_a_failed_run(string label, string jobExtra)
    {
        // Arrange
        using var bed = new DiskBed(label);
        new TreeBuilder(bed.Source).File("a.txt", 1000);
        if (label == "missing-source")
        {
            Directory.Delete(bed.Source, recursive: true);
        }
        await using var disk = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        bed.Job("offsite", [disk.Uuid], jobExtra: jobExtra);

        // Act
        var run = await bed.Config.RunCliAsync("run", "offsite", "--no-progress", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        SingleRun(run).GetProperty("result").GetString().Should().Be("failed");
        disk.Mountpoints().Should().BeEmpty("a failed run unmounts the disk too");
        File.Exists(bed.Marker("offsite")).Should().BeFalse();
        var log = await File.ReadAllTextAsync(SingleRun(run).GetProperty("logFile").GetString()!);
        log.Should().Contain($"disk {disk.Uuid} unmounted");
    }

    [Fact]
    public async Task Killed_run_leaves_the_disk_mounted_and_the_next_start_unmounts_it()
    {
        // Arrange: a 30 MB file at 4000 KiB/s takes several seconds; a second job without a disk.
        using var bed = new DiskBed("kill");
        new TreeBuilder(bed.Source).File("a.txt", 1000).File("m-big.bin", 30 * 1024 * 1024);
        await using var disk = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        bed.Job("offsite", [disk.Uuid], jobExtra: "bandwidth: 4000");
        bed.Config.Pair("other", "local", bed.Source + "/", bed.Dir.Combine("other"));
        await using var cli = await bed.Config.StartCliAsync("run", "offsite", "--no-progress");
        await WaitUntilAsync(() => disk.Mountpoints().Count > 0 && Directory.Exists(Path.Combine(bed.Destination, ".syncwarden-tmp"))
            && Directory.EnumerateFiles(Path.Combine(bed.Destination, ".syncwarden-tmp")).Any(), cli);

        // Act: SIGKILL, then the next start of syncwarden (another job).
        (await cli.KillAsync()).Should().BeTrue();
        await cli.WaitAsync(TimeSpan.FromSeconds(10));
        var leftMounted = disk.Mountpoints();
        var markerAfterKill = File.Exists(bed.Marker("offsite"));
        var next = await bed.Config.RunCliAsync("run", "other", "--no-progress");

        // Assert
        leftMounted.Should().Equal([bed.Mountpoint], "a killed process cannot unmount");
        markerAfterKill.Should().BeTrue("the marker names the disk for the next start");
        next.ExitCode.Should().Be(0, next.ToString());
        next.StandardError.Should().Contain($"unmounted the disk {disk.Uuid} from {bed.Mountpoint}");
        next.StandardError.Should().Contain("1 run(s) left unfinished by a stopped syncwarden were recorded as failed (interrupted)");
        disk.Mountpoints().Should().BeEmpty();
        File.Exists(bed.Marker("offsite")).Should().BeFalse();
    }

    [Fact]
    public async Task Source_bigger_than_the_free_space_fails_before_writing_anything()
    {
        // Arrange: 80 MB (sparse in the source, written in full by rsync) for a 64 MB disk.
        using var bed = new DiskBed("full");
        new TreeBuilder(bed.Source).File("a.txt", 1000);
        await using (var big = File.Create(Path.Combine(bed.Source, "big.bin")))
        {
            big.SetLength(80L * 1024 * 1024);
        }
        await using var disk = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        bed.Job("offsite", [disk.Uuid]);

        // Act
        var run = await bed.Config.RunCliAsync("run", "offsite", "--no-progress", "--json");

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var record = SingleRun(run);
        record.GetProperty("result").GetString().Should().Be("failed");
        record.GetProperty("error").GetString().Should().Contain("not enough space on the disk").And.Contain("nothing was written");
        disk.Mountpoints().Should().BeEmpty();
        var onDisk = await disk.InspectAsync(bed.Dir, at => Task.FromResult(Directory.EnumerateFileSystemEntries(at).Select(Path.GetFileName).ToList()));
        onDisk.Should().Equal(["lost+found"], "the destination was not even created");
    }

    [Fact]
    public async Task Free_space_under_the_warning_threshold_is_a_warning()
    {
        // Arrange: a fresh 64 MB ext4 never has 99% free.
        using var bed = new DiskBed("low");
        new TreeBuilder(bed.Source).File("a.txt", 1000);
        await using var disk = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        bed.Job("offsite", [disk.Uuid], deviceExtra: ", free-space-warning: 99%");

        // Act
        var run = await bed.Config.RunCliAsync("run", "offsite", "--no-progress", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var record = SingleRun(run);
        record.GetProperty("result").GetString().Should().Be("warning");
        record.GetProperty("error").GetString().Should().Contain($"the disk {disk.Uuid} at {bed.Mountpoint} has only").And.Contain("below free-space-warning 99%");
        disk.Mountpoints().Should().BeEmpty();
    }

    [Fact]
    public async Task Run_device_runs_only_the_jobs_that_list_the_disk()
    {
        // Arrange: "photos" lists another disk first, which is attached too; "mail" does not list the plugged-in disk.
        using var bed = new DiskBed("by-uuid");
        new TreeBuilder(bed.Source).File("a.txt", 1000);
        await using var other = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        await using var plugged = await LoopDisk.AttachAsync(bed.Dir, LoopDisk.NewUuid());
        bed.Job("photos", [other.Uuid, plugged.Uuid]).Job("mail", [other.Uuid]);

        // Act
        var run = await bed.Config.RunCliAsync("run", "--device", plugged.Uuid.ToUpperInvariant(), "--no-progress", "--json");
        var unknown = await bed.Config.RunCliAsync("run", "--device", LoopDisk.NewUuid(), "--no-progress");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var record = SingleRun(run);
        record.GetProperty("job").GetString().Should().Be("photos");
        var log = await File.ReadAllTextAsync(record.GetProperty("logFile").GetString()!);
        log.Should().Contain($"disk {plugged.Uuid} ({plugged.Device}) mounted", "the plugged-in disk is used, not the first listed one");
        (await plugged.InspectAsync(bed.Dir, at => Task.FromResult(File.Exists(Path.Combine(at, "data", "a.txt"))))).Should().BeTrue();
        unknown.ExitCode.Should().Be(1, unknown.ToString());
        unknown.StandardError.Should().Contain("lists the disk").And.Contain(plugged.Uuid);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, RunningProcess cli)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (cli.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("the transfer did not start: " + cli.StandardErrorSoFar);
            }
            await Task.Delay(50);
        }
    }
}

using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Snapshots;

namespace Syncwarden.IntegrationTests.DestinationSnapshots;

/// <summary><c>syncwarden restore</c> and <c>syncwarden snapshots prune</c> against link-dest snapshots on a loop-mounted ext4.</summary>
public sealed class RestoreAndPruneTests
{
    private static async Task<(TestConfig Config, string Source, string Store)> TwoRunsAsync(TempDir dir, LoopFilesystem fs, string keep = "")
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("docs/report.txt", "quarterly figures\n").File("docs/big.bin", 300_000).File("photo.jpg", 70_000);
        var store = fs.Combine("replica");
        var config = new TestConfig(dir).Pair("snap", "local", source + "/", store, $"snapshots: {{ method: link-dest{keep} }}");
        for (var run = 0; run < 2; run++)
        {
            var result = await config.RunCliAsync("run", "snap");
            result.ExitCode.Should().Be(0, result.ToString());
        }
        return (config, source, store);
    }

    [Fact]
    public async Task Restore_brings_back_a_deleted_file_byte_exact()
    {
        // Arrange
        using var dir = new TempDir("snap-restore");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, source, _) = await TwoRunsAsync(dir, fs);
        var lost = Path.Combine(source, "docs", "big.bin");
        var original = await File.ReadAllBytesAsync(lost);
        File.Delete(lost);
        var target = dir.Combine("restored");

        // Act
        var restore = await config.RunCliAsync("restore", "snap", "latest", "docs/big.bin", "--to", target);

        // Assert: the file comes back under its path in the snapshot, byte for byte, and nothing else is written.
        restore.ExitCode.Should().Be(0, restore.ToString());
        (await File.ReadAllBytesAsync(Path.Combine(target, "docs", "big.bin"))).Should().Equal(original);
        Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Should().ContainSingle();
        File.Exists(lost).Should().BeFalse("restore --to never writes into the live source");
    }

    [Fact]
    public async Task Restore_of_everything_in_place_puts_the_source_back_and_a_target_over_the_source_is_refused()
    {
        // Arrange
        using var dir = new TempDir("snap-restore-all");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, source, store) = await TwoRunsAsync(dir, fs);
        var expected = await SnapshotFiles.KeepCopyAsync(dir, source, "before");
        Directory.Delete(Path.Combine(source, "docs"), recursive: true);
        var oldest = SnapshotFiles.Names(store)[0];

        // Act
        var overSource = await config.RunCliAsync("restore", "snap", oldest, "--to", Path.Combine(source, "docs"));
        var intoStore = await config.RunCliAsync("restore", "snap", oldest, "--to", Path.Combine(store, "x"));
        var unknown = await config.RunCliAsync("restore", "snap", "2020-01-01T000000Z", "--to", dir.Combine("t"));
        var inPlace = await config.RunCliAsync("restore", "snap", oldest, "--in-place");

        // Assert
        overSource.ExitCode.Should().Be(2, overSource.ToString());
        overSource.StandardError.Should().Contain("overlaps the live source").And.NotContain("   at ");
        intoStore.ExitCode.Should().Be(2, intoStore.ToString());
        intoStore.StandardError.Should().Contain("overlaps the snapshot store");
        unknown.ExitCode.Should().Be(2, unknown.ToString());
        unknown.StandardError.Should().Contain(oldest, "the message lists the snapshots there are");
        inPlace.ExitCode.Should().Be(0, inPlace.ToString());
        (await SnapshotFiles.DifferencesAsync(expected, source)).Should().BeEmpty();
    }

    [Fact]
    public async Task Prune_dry_run_shows_what_retention_would_delete_and_prune_deletes_only_that()
    {
        // Arrange: two real snapshots, plus three older ones made the way an older schedule would have (hard-linked copies).
        using var dir = new TempDir("snap-prune");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, _, store) = await TwoRunsAsync(dir, fs);
        var real = SnapshotFiles.Names(store);
        string[] old = ["2025-01-01T020000Z", "2025-01-01T030000Z", "2025-02-01T020000Z"];
        foreach (var name in old)
        {
            await LoopFilesystem.MustAsync("cp", "-al", Path.Combine(store, real[0]), Path.Combine(store, name));
        }
        // keep: the last 1 and the newest of each of 3 months (months in UTC, named by daemon.time-zone).
        config = new TestConfig(dir).TopLevel("daemon: { time-zone: UTC }").Pair("snap", "local", dir.Combine("src") + "/", store, "snapshots: { method: link-dest, keep: { last: 1, monthly: 3 } }");

        // Act
        var dry = SnapshotFiles.JsonRows(await config.RunCliAsync("snapshots", "prune", "snap", "--dry-run", "--json"));
        var afterDry = SnapshotFiles.Names(store);
        var prune = await config.RunCliAsync("snapshots", "prune", "snap");
        var afterPrune = SnapshotFiles.Names(store);

        // Assert: this month's older run and January's earlier one would go (and then went); nothing went in the dry run.
        string[] doomed = [real[0], "2025-01-01T020000Z"];
        dry.Where(r => !r.GetProperty("keep").GetBoolean()).Select(r => r.GetProperty("name").GetString()).Should().BeEquivalentTo(doomed);
        dry.Should().OnlyContain(r => !r.GetProperty("deleted").GetBoolean());
        dry.Single(r => r.GetProperty("name").GetString() == real[1]).GetProperty("reasons").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("newest", "last 1/1", "monthly 1/3");
        afterDry.Should().BeEquivalentTo([.. real, .. old]);
        prune.ExitCode.Should().Be(0, prune.ToString());
        prune.StandardOutput.Should().Contain("2 deleted");
        afterPrune.Should().BeEquivalentTo([real[1], "2025-01-01T030000Z", "2025-02-01T020000Z"]);
        SnapshotFiles.Latest(store).Should().Be(real[1]);
        File.Exists(Path.Combine(store, real[1], "docs", "big.bin")).Should().BeTrue("files hard-linked with a deleted snapshot stay in the kept ones");
    }

    [Fact]
    public async Task Plan_of_a_link_dest_job_compares_with_the_latest_snapshot()
    {
        // Arrange
        using var dir = new TempDir("snap-plan");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, source, store) = await TwoRunsAsync(dir, fs);
        File.WriteAllText(Path.Combine(source, "docs", "report.txt"), "a longer, revised version of the figures\n");
        File.Delete(Path.Combine(source, "photo.jpg"));
        config = new TestConfig(dir).Pair("snap", "local", source + "/", store, "snapshots: { method: link-dest }", syncOptions: "--delete");

        // Act
        var plan = await config.RunCliAsync("plan", "snap", "--json");

        // Assert: one update and one deletion against the newest snapshot; the snapshot folders are not "extra" files.
        plan.ExitCode.Should().Be(0, plan.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(plan.StandardOutput);
        var sync = json.RootElement.GetProperty("syncs")[0];
        sync.GetProperty("updateCount").GetInt64().Should().Be(1);
        sync.GetProperty("deleteCount").GetInt64().Should().Be(1);
        sync.GetProperty("createCount").GetInt64().Should().Be(0);
        SnapshotFiles.Names(store).Should().HaveCount(2, "plan changes nothing");
    }

    [Fact]
    public async Task A_failed_prune_turns_the_run_into_a_warning_and_keeps_the_new_snapshot()
    {
        // Arrange: two snapshots, the older one made undeletable (an immutable folder inside it).
        using var dir = new TempDir("snap-prune-fails");
        await using var fs = await LoopFilesystem.CreateAsync("ext4");
        var (config, source, store) = await TwoRunsAsync(dir, fs);
        var old = SnapshotFiles.Names(store);
        var stuck = Path.Combine(store, old[0], "docs");
        await LoopFilesystem.MustAsync("chattr", "+i", stuck);
        try
        {
            config = new TestConfig(dir).Pair("snap", "local", source + "/", store, "snapshots: { method: link-dest, keep: { last: 1 } }");

            // Act
            var run = await config.RunCliAsync("run", "snap", "--json");

            // Assert: the replication counts (exit 0, a new latest), the prune failure is the run's warning.
            run.ExitCode.Should().Be(0, run.ToString());
            var record = SnapshotFiles.JsonRows(run)[0];
            record.GetProperty("result").GetString().Should().Be("warning");
            record.GetProperty("error").GetString().Should().Contain("could not delete").And.Contain(store);
            var now = SnapshotFiles.Names(store);
            now.Should().HaveCount(2).And.Contain(old[0]).And.NotContain(old[1]);
            SnapshotFiles.Latest(store).Should().Be(now[^1]);
        }
        finally
        {
            await TestProcess.RunAsync("chattr", ["-i", stuck], TimeSpan.FromSeconds(30));
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Events;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Runs;
using Syncwarden.Status;

namespace Syncwarden.IntegrationTests.Status;

/// <summary>Seed 003: progress with its real total from the first update, through real rsync and the event hub.</summary>
public sealed class LiveProgressTests
{
    private static async Task<(RunRecord Record, List<RunProgressed> Progress)> RunManyFilesAsync(
        TempDir dir, IReadOnlyList<string> options, int files = 600, int folders = 30, int size = 4000)
    {
        var source = dir.CreateSubdirectory("src");
        var tree = new TreeBuilder(source);
        for (var i = 0; i < files; i++)
        {
            tree.File($"d{i % folders:000}/f{i:0000}.bin", size + i);
        }
        var config = new SyncwardenConfig
        {
            SourceFile = dir.Combine("syncwarden.yaml"),
            StateDir = dir.CreateSubdirectory("state"),
            Jobs = [new JobConfig { Name = "many", Direction = Direction.Local, Bandwidth = 1000, Options = options, Syncs = [new SyncPair { Source = source + "/", Destination = dir.Combine("dst") }] }],
        };
        var recorder = new EventRecorder();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSyncwarden(config, () => new ConfigLoadResult(config, []));
        await using var provider = services.BuildServiceProvider();
        var hub = provider.GetRequiredService<RunEventHub>();
        await using (hub.Subscribe(recorder, progressCapacity: 1_000_000))
        {
            var record = await provider.GetRequiredService<JobRunner>().RunAsync(config.Jobs[0]).WaitAsync(TimeSpan.FromMinutes(2));
            await recorder.WaitForAsync<RunFinished>();
            await hub.StopAsync(TimeSpan.FromSeconds(30));
            return (record, [.. recorder.Events.OfType<RunProgressed>()]);
        }
    }

    [Fact]
    public async Task Progress_knows_the_whole_file_list_from_the_first_update()
    {
        // Arrange: 600 files in 30 folders, about 2.5 s at 1000 KiB/s.
        using var dir = new TempDir("live-progress");

        // Act
        var (record, progress) = await RunManyFilesAsync(dir, []);

        // Assert
        record.Result.Should().Be(RunResult.Succeeded, record.Error);
        progress.Should().HaveCountGreaterThan(3);
        var withCounters = progress.Where(p => p.Transfer.ToCheckTotal is not null).ToList();
        withCounters.Should().NotBeEmpty();
        // 600 files and 31 folders (the root included), known before the first file is done.
        withCounters.Should().OnlyContain(p => p.Transfer.ToCheckTotal == 631 && !p.Transfer.TotalGrowing);
        var states = progress.Select(p => new RunProgress(p.Job, p.RunId, RunPhase.Transferring, 0, 1, p.Sync, p.Transfer)).ToList();
        states.Select(s => s.Percent).Should().BeInAscendingOrder();
        states[^1].Percent.Should().Be(100);
        states[^1].FilesDone.Should().Be(631);
        states.Should().Contain(s => s.Percent > 0 && s.Percent < 100 && s.Eta != null, "an ETA is given while the transfer runs");
        states.Should().Contain(s => s.CurrentFile != null && s.CurrentFile.StartsWith('d') && s.CurrentFile.EndsWith(".bin"));
    }

    [Fact]
    public async Task With_incremental_recursion_asked_for_progress_says_its_total_is_growing()
    {
        // Arrange
        using var dir = new TempDir("live-progress");

        // Act: the job's own options come after Syncwarden's and turn incremental recursion back on. rsync sends its list in
        // chunks of about a thousand names, so the tree has 3,000 files in 100 folders.
        var (record, progress) = await RunManyFilesAsync(dir, ["--inc-recursive"], files: 3000, folders: 100, size: 300);

        // Assert
        record.Result.Should().Be(RunResult.Succeeded, record.Error);
        progress.Should().Contain(p => p.Transfer.TotalGrowing && p.Transfer.ToCheckTotal < 3101, "rsync lists a chunk of folders at a time");
        progress.Where(p => p.Transfer.TotalGrowing).Should().OnlyContain(p => p.Transfer.BytesTotal == null);
    }
}

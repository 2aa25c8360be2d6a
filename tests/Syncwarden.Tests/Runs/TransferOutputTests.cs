using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Rsync;
using Syncwarden.Runs;
using Syncwarden.Runs.Steps;
using Syncwarden.Tests.Rsync;

namespace Syncwarden.Tests.Runs;

public sealed class TransferOutputTests : IDisposable
{
    private sealed class ProgressRecorder : IRunEventSubscriber
    {
        public List<RsyncProgress> Seen { get; } = [];
        public string Name => "progress recorder";

        public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
        {
            if (runEvent is RunProgressed p)
            {
                Seen.Add(p.Transfer);
            }
            return ValueTask.CompletedTask;
        }
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("sw-transfer-output-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly ProgressRecorder _recorder = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Feeds the progress2 fixture through the splitter into a <see cref="TransferOutput"/>, moving the clock by <paramref name="step"/> per segment.</summary>
    private async Task<TransferOutput> FeedFixtureAsync(TimeSpan step)
    {
        var job = new JobConfig { Name = "j", Direction = Direction.Local, Syncs = [new SyncPair { Source = "/s", Destination = "/d" }] };
        var config = new SyncwardenConfig { SourceFile = Path.Combine(_dir, "c.yaml"), Jobs = [job] };
        var hub = new RunEventHub([_recorder], NullLogger<RunEventHub>.Instance);
        var logPath = Path.Combine(_dir, "run.log");
        var context = new RunContext(config, job, RunTrigger.Manual, hub, _time, CancellationToken.None, CancellationToken.None);
        using (var log = new RunLog(logPath, _time))
        {
            context.Log = log;
            var output = new TransferOutput(context, 0, "/s -> /d");
            var splitter = new RsyncLineSplitter((ReadOnlySpan<char> text, bool cr) =>
            {
                output.Segment(text, cr);
                _time.Advance(step);
            });
            splitter.Feed(RsyncFixture.ReadRaw("progress2.txt"));
            splitter.Flush();
            output.Complete();
            await hub.StopAsync(TimeSpan.FromSeconds(10));
            return output;
        }
    }

    /// <summary>What each update printed; published updates also carry the newest counters, the current file and the time.</summary>
    private static List<(long, int, double, TimeSpan?, long?)> Columns(IEnumerable<RsyncProgress> updates) =>
        [.. updates.Select(p => (p.BytesTransferred, p.Percent, p.BytesPerSecond, p.Eta, p.TransferNumber))];

    private static List<RsyncProgress> AllProgress() =>
        [.. RsyncFixture.Segments(RsyncFixture.ReadRaw("progress2.txt")).Select(s => ProgressParser.TryParse(s.Text, out var p) ? p : null).OfType<RsyncProgress>()];

    [Fact]
    public async Task Progress_within_the_interval_is_held_back_and_the_last_update_is_always_published()
    {
        // Act: the clock stands still, as when rsync prints an update per file of a tree of small files.
        var output = await FeedFixtureAsync(TimeSpan.Zero);

        // Assert
        var all = AllProgress();
        all.Should().HaveCountGreaterThan(3);
        Columns(_recorder.Seen).Should().Equal(Columns([all[0], all[^1]]));
        output.Stats.Result.TotalFileSize.Should().Be(30_001_334);
    }

    [Fact]
    public async Task Progress_further_apart_than_the_interval_is_published_every_time()
    {
        // Act
        await FeedFixtureAsync(TransferOutput.ProgressInterval);

        // Assert
        Columns(_recorder.Seen).Should().Equal(Columns(AllProgress()));
    }

    [Fact]
    public async Task Every_line_but_progress_goes_to_the_run_log_as_before()
    {
        // Act
        await FeedFixtureAsync(TimeSpan.Zero);

        // Assert: the segments that are not progress updates and not empty, in order.
        var expected = RsyncFixture.Segments(RsyncFixture.ReadRaw("progress2.txt"))
            .Where(s => s.Text.Length > 0 && !ProgressParser.TryParse(s.Text, out _))
            .Select(s => s.Text);
        File.ReadAllLines(Path.Combine(_dir, "run.log")).Should().Equal(expected);
    }

    [Fact]
    public async Task Published_progress_carries_the_newest_counters_the_current_file_and_the_elapsed_time()
    {
        // Arrange
        var job = new JobConfig { Name = "j", Direction = Direction.Local, Syncs = [new SyncPair { Source = "/s", Destination = "/d" }] };
        var config = new SyncwardenConfig { SourceFile = Path.Combine(_dir, "c.yaml"), Jobs = [job] };
        var hub = new RunEventHub([_recorder], NullLogger<RunEventHub>.Instance);
        var context = new RunContext(config, job, RunTrigger.Manual, hub, _time, CancellationToken.None, CancellationToken.None);
        using var log = new RunLog(Path.Combine(_dir, "run.log"), _time);
        context.Log = log;
        var output = new TransferOutput(context, 0, "/s -> /d");

        // Act: rsync names each file before its data; the update while a file moves has no counters.
        output.Segment(">f+++++++++ a/one.bin", false);
        output.Segment("      1,000 100%    1.00kB/s    0:00:01 (xfr#1, to-chk=8/10)", false);
        output.Segment(">f+++++++++ b/caf\\#303\\#251.bin", false);
        _time.Advance(TimeSpan.FromSeconds(2));
        output.Segment("      1,500  50%    1.00kB/s    0:00:03  ", true);
        output.Complete();
        await hub.StopAsync(TimeSpan.FromSeconds(10));

        // Assert
        var last = _recorder.Seen[^1];
        last.TransferNumber.Should().BeNull("the time column is an estimate on this update");
        (last.FilesTransferred, last.ToCheckRemaining, last.ToCheckTotal, last.FilesChecked).Should().Be((1L, 8L, 10L, 2L));
        last.CurrentFile.Should().Be("b/café.bin");
        last.Elapsed.Should().Be(TimeSpan.FromSeconds(2));
        last.TotalGrowing.Should().BeFalse();
        output.ProgressFiles.Should().Be(1);
    }
}

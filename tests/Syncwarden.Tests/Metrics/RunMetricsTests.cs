using System.Diagnostics.Metrics;
using System.Globalization;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Metrics;
using Syncwarden.Rsync;
using Syncwarden.Runs;
using Syncwarden.Tests.Configuration;

namespace Syncwarden.Tests.Metrics;

public sealed class RunMetricsTests : IDisposable
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("sw-metrics-").FullName;
    // Each test listens to its own meter, so tests running in parallel do not see each other's measurements.
    private readonly string _meterName = "Syncwarden.Tests." + Guid.NewGuid().ToString("N");
    private readonly List<(string Instrument, Dictionary<string, object?> Tags, double Value)> _measurements = [];
    private readonly MeterListener _listener = new();

    public RunMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == _meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, tags, v));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, tags, v));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, tags, v));
        _listener.Start();
    }

    private void Add(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags, double value)
    {
        lock (_measurements)
        {
            _measurements.Add((instrument.Name, new Dictionary<string, object?>(tags.ToArray()), value));
        }
    }

    private static LiveConfiguration Configuration(params string[] jobs)
    {
        var yaml = "jobs:\n" + string.Concat(jobs.Select(j => $"  {j}:\n    syncs: [{{ source: /a, destination: /b }}]\n"));
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);
        result.Errors.Should().BeEmpty();
        return new LiveConfiguration(result.Config!, () => result);
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static RunRecord Finished(string job, RunResult result, string start, double seconds, long bytes = 0, long files = 0) => new()
    {
        Job = job, StartedAt = At(start), EndedAt = At(start).AddSeconds(seconds), Result = result, BytesTransferred = bytes, FilesTransferred = files,
    };

    /// <summary>The observable instruments as a scrape would read them now.</summary>
    private List<(string Instrument, Dictionary<string, object?> Tags, double Value)> Observe()
    {
        lock (_measurements)
        {
            _measurements.RemoveAll(m => m.Instrument != MetricNames.RunDuration);
        }
        _listener.RecordObservableInstruments();
        lock (_measurements)
        {
            return [.. _measurements];
        }
    }

    private static double? Value(IEnumerable<(string Instrument, Dictionary<string, object?> Tags, double Value)> measurements, string name, string job, string? result = null) =>
        measurements.Where(m => m.Instrument == name && Equals(m.Tags[MetricNames.JobLabel], job)
                                && (result is null || Equals(m.Tags[MetricNames.ResultLabel], result)))
            .Select(m => (double?)m.Value).SingleOrDefault();

    [Fact]
    public async Task Counters_start_from_the_history_of_configured_jobs_and_add_finished_runs()
    {
        // Arrange
        using (var history = HistoryStore.Open(_stateDir))
        {
            foreach (var run in new[] { Finished("docs", RunResult.Succeeded, "2026-03-01T01:00:00Z", 30, bytes: 500, files: 5), Finished("docs", RunResult.Failed, "2026-03-02T01:00:00Z", 4), Finished("gone", RunResult.Succeeded, "2026-03-01T01:00:00Z", 1) })
            {
                history.Update(run with { Id = history.Insert(run) });
            }
        }
        using var store = HistoryStore.Open(_stateDir);
        using var metrics = new RunMetrics(Configuration("docs", "new"), store, _meterName);

        // Act
        var seeded = Observe();
        // As the job runner does: the run is in the history (with its id) before its event.
        var next = Finished("docs", RunResult.Succeeded, "2026-03-03T01:00:00Z", 60, bytes: 100, files: 1);
        next = next with { Id = store.Insert(next) };
        store.Update(next);
        await metrics.HandleAsync(new RunFinished(At("2026-03-03T01:01:00Z"), next), default);
        var after = Observe();

        // Assert
        Value(seeded, MetricNames.RunsTotal, "docs", "succeeded").Should().Be(1);
        Value(seeded, MetricNames.RunsTotal, "docs", "failed").Should().Be(1);
        Value(seeded, MetricNames.RunsTotal, "new", "succeeded").Should().Be(0, "a configured job that never ran reports zeros");
        seeded.Should().NotContain(m => Equals(m.Tags[MetricNames.JobLabel], "gone"), "a job no longer configured is not reported");
        Value(seeded, MetricNames.BytesTransferred, "docs").Should().Be(500);
        Value(seeded, MetricNames.LastSuccess, "docs").Should().Be(At("2026-03-01T01:00:30Z").ToUnixTimeSeconds());
        Value(seeded, MetricNames.LastRun, "docs").Should().Be(At("2026-03-02T01:00:04Z").ToUnixTimeSeconds());
        seeded.Where(m => m.Instrument == MetricNames.RunDuration).Select(m => m.Value).Should().BeEquivalentTo(new[] { 30.0, 4.0 }, "past durations reach a listener that was there first");

        Value(after, MetricNames.RunsTotal, "docs", "succeeded").Should().Be(2);
        Value(after, MetricNames.BytesTransferred, "docs").Should().Be(600);
        Value(after, MetricNames.FilesTransferred, "docs").Should().Be(6);
        after.Where(m => m.Instrument == MetricNames.RunDuration).Select(m => m.Value).Should().BeEquivalentTo(new[] { 30.0, 4.0, 60.0 });
        metrics.StaleSince("docs").Should().Be(At("2026-03-03T01:01:00Z"));
        metrics.StaleSince("new").Should().BeNull();
    }

    [Fact]
    public async Task Lock_wait_counts_from_the_first_wait_until_the_run_moves_on_and_missed_runs_are_counted()
    {
        // Arrange
        using var store = HistoryStore.Open(_stateDir);
        using var metrics = new RunMetrics(Configuration("docs"), store, _meterName);
        var t0 = At("2026-03-03T01:00:00Z");

        // Act
        await metrics.HandleAsync(new RunWaiting(t0, "docs", 1, "lock /x held by pid 7"), default);
        await metrics.HandleAsync(new RunWaiting(t0.AddSeconds(30), "docs", 1, "lock /x held by pid 8"), default);
        var during = Observe();
        await metrics.HandleAsync(new RunStageChanged(t0.AddSeconds(90), "docs", 1, RunPhase.Transferring, 0, 1, "a", null), default);
        await metrics.HandleAsync(new RunProgressed(t0.AddSeconds(95), "docs", 1, 0, 1, "a", new RsyncProgress(10, 50, 1, null, null, null, null)), default);
        await metrics.HandleAsync(new RunMissed(t0.AddSeconds(100), "docs", t0.AddSeconds(100), "the previous run is still running", 1), default);
        var after = Observe();

        // Assert
        Value(during, MetricNames.LockWait, "docs").Should().Be(0, "a wait counts once it is over, so the counter never goes back");
        Value(after, MetricNames.LockWait, "docs").Should().Be(90);
        Value(after, MetricNames.MissedRuns, "docs").Should().Be(1);
    }

    [Fact]
    public async Task Missed_runs_and_lock_waits_go_on_from_the_history_after_a_restart()
    {
        // Arrange: a first daemon sees a missed run and a 40 s wait, then stops.
        var t0 = At("2026-03-03T01:00:00Z");
        using (var store = HistoryStore.Open(_stateDir))
        using (var first = new RunMetrics(Configuration("docs"), store, _meterName + ".first"))
        {
            await first.HandleAsync(new RunMissed(t0, "docs", t0, "the previous run is still running", 1), default);
            await first.HandleAsync(new RunWaiting(t0, "docs", 1, "lock /x held by pid 7"), default);
            await first.HandleAsync(new RunFinished(t0.AddSeconds(40), Finished("docs", RunResult.Failed, "2026-03-03T00:59:00Z", 100)), default);
        }

        // Act: the next daemon starts from the same history.
        using var again = HistoryStore.Open(_stateDir);
        using var metrics = new RunMetrics(Configuration("docs"), again, _meterName);
        var seeded = Observe();

        // Assert
        Value(seeded, MetricNames.MissedRuns, "docs").Should().Be(1);
        Value(seeded, MetricNames.LockWait, "docs").Should().Be(40, "a wait ended by the end of its run counts too");
    }

    [Theory]
    [InlineData(0, 1, 50, 0.5)]
    [InlineData(1, 2, 50, 0.75)]
    [InlineData(0, 2, 100, 0.5)]
    public void Transfer_progress_counts_finished_syncs_whole_and_the_current_one_by_percent(int index, int count, int percent, double ratio)
    {
        // Arrange
        var run = new RunProgress("docs", 1, RunPhase.Transferring, index, count, "a", new RsyncProgress(1, percent, 1, null, null, null, null));

        // Act, Assert
        JobGauges.Progress(run).Should().Be(ratio);
        JobGauges.Progress(run with { Transfer = null }).Should().Be(0);
        JobGauges.Progress(null).Should().Be(0);
    }

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_stateDir, recursive: true);
    }
}

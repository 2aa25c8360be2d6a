using Syncwarden.IntegrationTests.Cli;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.IntegrationTests.Web;

namespace Syncwarden.IntegrationTests.Metrics;

/// <summary>
/// GET /metrics on a real daemon running a real local job: valid for promtool, counting runs, surviving a restart, scraped
/// by a real Prometheus server.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_pass_promtool_and_count_a_run_of_the_daemon()
    {
        // Arrange
        using var dir = new TempDir("metrics");
        await using var daemon = await WebDaemon.StartAsync(MetricsBed.Config(dir));
        var before = await daemon.ScrapeAsync();
        var beforeSamples = MetricsText.Parse(before);

        // Act
        var after = await daemon.RunOnceMoreAsync();
        var afterText = await daemon.ScrapeAsync();

        // Assert
        (await Promtool.CheckMetricsAsync(before)).Should().Match<ProcessResult>(r => r.ExitCode == 0 && r.StandardOutput.Length == 0 && r.StandardError.Length == 0, "promtool finds nothing wrong before a run");
        var check = await Promtool.CheckMetricsAsync(afterText);
        check.ExitCode.Should().Be(0, check.ToString());
        (check.StandardOutput + check.StandardError).Should().BeEmpty("promtool's lint finds nothing either");

        beforeSamples.Succeeded().Should().Be(0);
        beforeSamples.Value("syncwarden_out_of_sync", ("job", "docs")).Should().Be(0, "a job that never ran is not stale yet");
        beforeSamples.Value("syncwarden_next_run_timestamp_seconds", ("job", "docs")).Should().BeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        beforeSamples.Should().Contain(s => s.Name == "syncwarden_build_info" && s.Value == 1 && s.Labels["version"].Length > 0);

        after.Succeeded().Should().Be(1);
        after.Value("syncwarden_runs_total", ("job", "docs"), ("result", "failed")).Should().Be(0);
        after.Value("syncwarden_bytes_transferred_total", ("job", "docs")).Should().Be(MetricsBed.SourceBytes);
        after.Value("syncwarden_files_transferred_total", ("job", "docs")).Should().Be(MetricsBed.SourceFiles);
        after.Value("syncwarden_files_deleted_total", ("job", "docs")).Should().Be(0);
        after.Value("syncwarden_run_duration_seconds_count", ("job", "docs")).Should().Be(1);
        after.Value("syncwarden_run_duration_seconds_bucket", ("job", "docs"), ("le", "+Inf")).Should().Be(1);
        after.Value("syncwarden_last_success_timestamp_seconds", ("job", "docs")).Should().BeGreaterThan(0)
            .And.Be(after.Value("syncwarden_last_run_timestamp_seconds", ("job", "docs")));
        after.Value("syncwarden_out_of_sync", ("job", "docs")).Should().Be(0);
        after.Value("syncwarden_running", ("job", "docs")).Should().Be(0);
        after.Value("syncwarden_transfer_progress_ratio", ("job", "docs")).Should().Be(0);
        after.Value("syncwarden_missed_runs_total", ("job", "docs")).Should().Be(0);
        after.Value("syncwarden_lock_wait_seconds_total", ("job", "docs")).Should().Be(0);
    }

    [Fact]
    public async Task Counters_survive_a_daemon_restart_and_go_on_from_the_history()
    {
        // Arrange
        using var dir = new TempDir("metrics");
        var daemon = await WebDaemon.StartAsync(MetricsBed.Config(dir));
        try
        {
            var first = await daemon.RunOnceMoreAsync();

            // Act
            daemon = await daemon.RestartAsync();
            var restarted = await daemon.SamplesAsync();
            var again = await daemon.RunOnceMoreAsync();

            // Assert
            foreach (var name in new[] { "syncwarden_bytes_transferred_total", "syncwarden_files_transferred_total", "syncwarden_run_duration_seconds_count",
                         "syncwarden_run_duration_seconds_sum", "syncwarden_last_success_timestamp_seconds", "syncwarden_last_run_timestamp_seconds" })
            {
                restarted.Value(name, ("job", "docs")).Should().Be(first.Value(name, ("job", "docs")), $"{name} is read back from the history at start");
            }
            restarted.Succeeded().Should().Be(1);
            again.Succeeded().Should().Be(2, "counting goes on from the seeded total");
            again.Value("syncwarden_run_duration_seconds_count", ("job", "docs")).Should().Be(2);
            again.Value("syncwarden_files_transferred_total", ("job", "docs")).Should().Be(MetricsBed.SourceFiles, "the second run had nothing to copy");
        }
        finally
        {
            await daemon.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_run_of_syncwarden_run_beside_the_daemon_is_counted_at_the_next_scrape()
    {
        // Arrange
        using var dir = new TempDir("metrics");
        await using var daemon = await WebDaemon.StartAsync(MetricsBed.Config(dir));
        var before = await daemon.SamplesAsync();

        // Act: the same job run from the command line, a process of its own that only shares the state dir.
        var run = await daemon.Config.RunCliAsync("run", MetricsBed.Job, "--no-progress");
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var after = await daemon.SamplesAsync();

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        before.Succeeded().Should().Be(0);
        after.Succeeded().Should().Be(1, "the command line's run is in the history the daemon reads");
        after.Value("syncwarden_files_transferred_total", ("job", MetricsBed.Job)).Should().Be(MetricsBed.SourceFiles);
        after.Value("syncwarden_run_duration_seconds_count", ("job", MetricsBed.Job)).Should().Be(1);
        after.Value("syncwarden_last_success_timestamp_seconds", ("job", MetricsBed.Job)).Should().BeGreaterThan(0);
        (await daemon.SamplesAsync()).Succeeded().Should().Be(1, "a run is counted once");
    }

    [Fact]
    public async Task Running_lock_wait_and_progress_follow_a_real_run_that_waits_for_a_lock_then_transfers_slowly()
    {
        // Arrange: another product's lock file blocks the job; the transfer is slowed to about 10 s by rsync's bandwidth limit.
        using var dir = new TempDir("metrics");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("big.bin", 3 * 1024 * 1024);
        var blocker = dir.Combine("other.lock");
        File.WriteAllText(blocker, "other product\n");
        var config = new TestConfig(dir).Pair(MetricsBed.Job, "local", source, dir.Combine("dst"),
            extra: $"schedule: \"0 0 1 1 *\"\ncatch-up: false\nbandwidth: 300\nblocks-on: [{TestConfig.Q(blocker)}]\nblocks-on-poll: 1s");
        await using var daemon = await WebDaemon.StartAsync(config);
        IReadOnlyList<MetricSample> samples = [];
        async Task<bool> Seen(Func<IReadOnlyList<MetricSample>, bool> condition) => condition(samples = await daemon.SamplesAsync());

        // Act, Assert: waiting for the lock is running; the wait is counted once the lock file is gone and the transfer moves on.
        (await daemon.Process.SignalAsync("HUP")).Should().BeTrue();
        (await Poll.UntilAsync(() => Seen(s => s.Value("syncwarden_running", ("job", "docs")) == 1), TimeSpan.FromSeconds(60))).Should().BeTrue();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        File.Delete(blocker);
        (await Poll.UntilAsync(() => Seen(s => s.Value("syncwarden_transfer_progress_ratio", ("job", "docs")) is > 0 and < 1), TimeSpan.FromSeconds(60)))
            .Should().BeTrue($"progress shows while rsync transfers; stderr: {daemon.Process.StandardErrorSoFar}");
        samples.Value("syncwarden_running", ("job", "docs")).Should().Be(1);
        samples.Value("syncwarden_lock_wait_seconds_total", ("job", "docs")).Should().BeGreaterThan(1, "the run waited at least until the lock file was deleted");
        // The counter follows the run's end event and the running gauge the scheduler, which lets go of the run a moment later.
        var done = await Poll.UntilAsync(() => Seen(s => s.Succeeded() == 1 && s.Value("syncwarden_running", ("job", "docs")) == 0), TimeSpan.FromSeconds(120));
        done.Should().BeTrue(daemon.Process.StandardErrorSoFar);
        samples.Value("syncwarden_transfer_progress_ratio", ("job", "docs")).Should().Be(0);
        samples.Value("syncwarden_bytes_transferred_total", ("job", "docs")).Should().Be(3 * 1024 * 1024);
    }

    [Fact]
    public async Task Metric_names_help_and_types_match_the_snapshot()
    {
        // Arrange: one run before the daemon starts, so the histogram has a series too.
        using var dir = new TempDir("metrics");
        var config = MetricsBed.Config(dir);
        (await config.RunCliAsync("run", MetricsBed.Job)).ExitCode.Should().Be(0);
        await using var daemon = await WebDaemon.StartAsync(config);

        // Act
        var text = await daemon.ScrapeAsync();

        // Assert
        var metadata = text.Split('\n').Where(l => l.StartsWith("# HELP ", StringComparison.Ordinal) || l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .OrderBy(l => l.Split(' ')[2], StringComparer.Ordinal).ThenBy(l => l, StringComparer.Ordinal);
        var labels = MetricsText.Parse(text).GroupBy(s => s.Name)
            .Select(g => $"{g.Key} {{{string.Join(",", g.SelectMany(s => s.Labels.Keys).Distinct().Order(StringComparer.Ordinal))}}}")
            .Order(StringComparer.Ordinal);
        ContractSnapshotTests.Verify("metrics.txt", string.Join("\n", metadata.Concat(labels)) + "\n");
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_daemon_and_sees_runs_total_increase_after_a_run()
    {
        // Arrange
        using var dir = new TempDir("prometheus");
        await using var daemon = await WebDaemon.StartAsync(MetricsBed.Config(dir));
        await using var prometheus = await PrometheusServer.StartAsync(dir, $"127.0.0.1:{daemon.Address.Port}");
        const string Query = """syncwarden_runs_total{job="docs",result="succeeded"}""";
        IReadOnlyList<double> seen = [];
        var scraped = await Poll.UntilAsync(async () => (seen = await prometheus.QueryAsync(Query)).Count == 1, TimeSpan.FromSeconds(60));
        scraped.Should().BeTrue($"prometheus scrapes the daemon; prometheus: {prometheus.StandardErrorSoFar}");
        var before = seen.Single();

        // Act
        await daemon.RunOnceMoreAsync();
        var increased = await Poll.UntilAsync(async () => (seen = await prometheus.QueryAsync(Query)).SingleOrDefault() > before, TimeSpan.FromSeconds(60));

        // Assert
        before.Should().Be(0);
        increased.Should().BeTrue($"the next scrapes see the run; last query gave [{string.Join(", ", seen)}]; prometheus: {prometheus.StandardErrorSoFar}");
        seen.Should().Equal(1);
        (await prometheus.QueryAsync("""up{job="syncwarden"}""")).Should().Equal(1);
    }
}

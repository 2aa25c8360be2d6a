using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.IntegrationTests.Web;

namespace Syncwarden.IntegrationTests.Metrics;

/// <summary>A local job "docs" (three files, 6,000 bytes) for a daemon with a dashboard, and how to run it and read /metrics.</summary>
public static class MetricsBed
{
    public const string Job = "docs";
    public const long SourceBytes = 6000;
    public const long SourceFiles = 3;

    /// <summary>Scheduled once a year (and no catch-up), so only the test decides when it runs.</summary>
    public static TestConfig Config(TempDir dir)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.bin", 1000).File("b.bin", 2000).File("sub/c.bin", 3000);
        return new TestConfig(dir).Pair(Job, "local", source, dir.Combine("dst"), extra: "schedule: \"0 0 1 1 *\"\ncatch-up: false");
    }

    /// <summary>GET /metrics without a token (read-only endpoints are open on loopback).</summary>
    public static async Task<string> ScrapeAsync(this WebDaemon daemon)
    {
        using var response = await daemon.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        return text;
    }

    public static async Task<IReadOnlyList<MetricSample>> SamplesAsync(this WebDaemon daemon) => MetricsText.Parse(await daemon.ScrapeAsync());

    public static double? Succeeded(this IReadOnlyList<MetricSample> samples) =>
        samples.Value("syncwarden_runs_total", ("job", Job), ("result", "succeeded"));

    /// <summary>SIGHUP (run every job now), then waits until the daemon's metrics count one more successful run that has ended.</summary>
    public static async Task<IReadOnlyList<MetricSample>> RunOnceMoreAsync(this WebDaemon daemon)
    {
        var before = (await daemon.SamplesAsync()).Succeeded() ?? 0;
        (await daemon.Process.SignalAsync("HUP")).Should().BeTrue();
        IReadOnlyList<MetricSample> after = [];
        var counted = await Poll.UntilAsync(async () =>
        {
            after = await daemon.SamplesAsync();
            // The run's counters and its duration are recorded one after the other: wait for both (a busy machine shows the gap).
            return after.Succeeded() > before && after.Value("syncwarden_running", ("job", Job)) == 0
                && after.Value("syncwarden_run_duration_seconds_count", ("job", Job)) >= after.Succeeded();
        }, TimeSpan.FromSeconds(60));
        counted.Should().BeTrue($"a run after SIGHUP is counted; stderr: {daemon.Process.StandardErrorSoFar}");
        return after;
    }
}

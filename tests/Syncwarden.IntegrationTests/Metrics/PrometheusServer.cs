using System.Globalization;
using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.IntegrationTests.Web;

namespace Syncwarden.IntegrationTests.Metrics;

/// <summary>
/// A real Prometheus server (Debian's /usr/bin/prometheus) on a free loopback port, with its own configuration and
/// storage in a temporary directory, scraping one target every second. Killed when disposed, even if startup failed.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly RunningProcess _process;

    private PrometheusServer(RunningProcess process, Uri address)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) as scrape job "syncwarden"; waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(TempDir dir, string target)
    {
        var config = dir.Combine("prometheus.yml");
        // honor_labels: the daemon's own job label (the Syncwarden job) is kept instead of being renamed exported_job.
        File.WriteAllText(config, $$"""
            global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
            scrape_configs:
              - job_name: syncwarden
                honor_labels: true
                static_configs: [ { targets: ["{{target}}"] } ]
            """);
        var port = WebDaemon.FreePort();
        var process = TestProcess.Start(Binary, [
            "--config.file=" + config, "--storage.tsdb.path=" + dir.CreateSubdirectory("tsdb"),
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"]);
        var server = new PrometheusServer(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            var ready = await Poll.UntilAsync(async () =>
            {
                try
                {
                    using var response = await server.Http.GetAsync("-/ready");
                    return response.IsSuccessStatusCode || process.HasExited;
                }
                catch (HttpRequestException)
                {
                    return process.HasExited;
                }
            }, TimeSpan.FromSeconds(60));
            if (!ready || process.HasExited)
            {
                throw new InvalidOperationException($"prometheus did not become ready on port {port}: {process.StandardErrorSoFar}");
            }
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instant query through the HTTP API: the value of each series in the result.</summary>
    public async Task<IReadOnlyList<double>> QueryAsync(string promql)
    {
        using var response = await Http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("status").GetString().Should().Be("success", body.ToString());
        return [.. body.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(series => double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))];
    }

    public string StandardErrorSoFar => _process.StandardErrorSoFar;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
    }
}

/// <summary>Polls a condition with a generous deadline instead of sleeping a fixed time.</summary>
public static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > end)
            {
                return false;
            }
            await Task.Delay(200);
        }
        return true;
    }
}

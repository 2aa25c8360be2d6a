using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.IntegrationTests.Metrics;
using Syncwarden.IntegrationTests.Web;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>The standby pair on the daemon's API and metrics, read from the role store and the markers a primary left.</summary>
public sealed class StandbyWebTests
{
    [Fact]
    public async Task Api_and_metrics_show_the_standby_role_epoch_and_lag()
    {
        // Arrange: a standby whose data folder holds the marker of a sync from alpha ten minutes ago.
        using var dir = new TempDir("standby-web");
        var data = dir.CreateSubdirectory("data");
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var syncedAt = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(data, ".syncwarden-standby.json"), $$"""{ "epoch": 4, "primary": "alpha", "syncedAt": "{{syncedAt}}", "handover": false }""");
        var config = new TestConfig(dir).TopLevel(StandbyYaml.OnBeta(data, $"address: 127.0.0.1, port: {closedPort}"));

        // Act
        await using var daemon = await WebDaemon.StartAsync(config);
        var standby = await daemon.GetJsonAsync("/api/standby");
        var metrics = MetricsText.Parse(await daemon.Http.GetStringAsync("/metrics"));

        // Assert
        standby.GetProperty("role").GetString().Should().Be("standby");
        standby.GetProperty("primary").GetString().Should().Be("alpha");
        standby.GetProperty("peer").GetString().Should().Be("alpha");
        standby.GetProperty("lagSeconds").GetDouble().Should().BeGreaterThanOrEqualTo(600);
        metrics.Value("syncwarden_role", ("job", "standby")).Should().Be(0);
        metrics.Value("syncwarden_standby_lag_seconds", ("job", "standby")).Should().BeGreaterThanOrEqualTo(600);
        metrics.Value("syncwarden_standby_refused_pushes_total", ("job", "standby")).Should().Be(0);
    }
}

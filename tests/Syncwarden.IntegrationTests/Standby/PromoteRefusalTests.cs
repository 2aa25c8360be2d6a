using System.Net;
using System.Net.Sockets;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>promote's refusals on a standby whose primary is down (nothing listens on its port) or still answers.</summary>
public sealed class PromoteRefusalTests
{
    private static (TestConfig Config, string Data) Standby(TempDir dir, int primaryPort)
    {
        var data = dir.CreateSubdirectory("data");
        var config = new TestConfig(dir).TopLevel(StandbyYaml.OnBeta(data, $"address: 127.0.0.1, port: {primaryPort}, connect-timeout: 2s", "max-lag: 1h",
            $"promote-hooks: [[/bin/sh, -c, {TestConfig.Q("echo \"$SYNCWARDEN_STANDBY_ROLE $SYNCWARDEN_STANDBY_EPOCH\" > " + dir.Combine("hook"))}]]"));
        return (config, data);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Promote_refuses_data_never_synced_unless_accept_lag_then_serves_it_in_a_new_epoch()
    {
        // Arrange: the primary is down (nothing listens) and this standby never received a sync.
        using var dir = new TempDir("promote-lag");
        var (config, data) = Standby(dir, ClosedPort());

        // Act
        var refused = await config.RunCliAsync("promote");
        var markerAfterRefusal = File.Exists(Path.Combine(data, ".syncwarden-standby.json"));
        var promoted = await config.RunCliAsync("promote", "--accept-lag");
        var again = await config.RunCliAsync("promote");
        var status = await config.RunCliAsync("status");

        // Assert
        refused.ExitCode.Should().Be(4, refused.ToString());
        refused.StandardError.Should().Contain("no complete sync was ever received").And.Contain("--accept-lag");
        markerAfterRefusal.Should().BeFalse("a refused promote changes nothing");
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        promoted.StandardOutput.Should().Contain("epoch 1 -> 2").And.Contain("promote hook 1/1 (sh): ok");
        File.ReadAllText(dir.Combine("hook")).Should().Be("primary 2\n");
        File.ReadAllText(Path.Combine(data, ".syncwarden-standby-claim.json")).Should().Contain("\"epoch\": 2").And.Contain("\"primary\": \"beta\"");
        again.ExitCode.Should().Be(2, again.ToString());
        again.StandardError.Should().Contain("already the primary");
        status.StandardOutput.Should().Contain("standby pair: beta is the PRIMARY in epoch 2");
    }

    [Fact]
    public async Task Promote_refuses_while_the_primary_answers_and_force_overrides()
    {
        // Arrange: something answers on the primary's port.
        using var dir = new TempDir("promote-answers");
        using var primary = new TcpListener(IPAddress.Loopback, 0);
        primary.Start();
        var (config, _) = Standby(dir, ((IPEndPoint)primary.LocalEndpoint).Port);

        // Act
        var refused = await config.RunCliAsync("promote", "--accept-lag");
        var forced = await config.RunCliAsync("promote", "--accept-lag", "--force");

        // Assert
        refused.ExitCode.Should().Be(3, refused.ToString());
        refused.StandardError.Should().Contain("the primary alpha still answers");
        forced.ExitCode.Should().Be(0, forced.ToString());
        forced.StandardOutput.Should().Contain("promoting anyway (--force)");
    }
}

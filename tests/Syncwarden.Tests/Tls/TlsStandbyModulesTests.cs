using Syncwarden.Configuration;
using Syncwarden.Rsync;
using Syncwarden.Tls;

namespace Syncwarden.Tests.Tls;

public sealed class TlsStandbyModulesTests : IDisposable
{
    private readonly TestDirectory _state = new("syncwarden-tls-standby-");

    public void Dispose() => _state.Dispose();

    /// <summary>The one file both machines read, as seen by <paramref name="thisHost"/>; beta's transport is <paramref name="betaTransport"/>.</summary>
    private SyncwardenConfig Config(string thisHost, string betaTransport = "rsync-tls")
    {
        var beta = betaTransport == "rsync-tls" ? "{ address: 192.0.2.2, transport: rsync-tls, tls: { port: 8874, psk-file: /etc/syncwarden/pair.psk } }" : "{ address: 192.0.2.2 }";
        var yaml = $"""
            state-dir: {_state.Path}
            this-host: {thisHost}
            hosts:
              alpha: {"{"} address: 192.0.2.1, transport: rsync-tls, tls: {"{"} port: 8874, psk-file: /etc/syncwarden/pair.psk {"}"} {"}"}
              beta: {beta}
            standby:
              primary: alpha
              standby: beta
              every: {"{"} minutes: 15 {"}"}
              syncs:
                - {"{"} source: /srv/data, destination: /srv/replica {"}"}
                - {"{"} source: /srv/mail/, destination: /srv/mail-copy/ {"}"}
            """;
        var result = ConfigLoader.Parse(yaml, "/etc/syncwarden/syncwarden.yaml");
        return result.Config ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    [Fact]
    public void Serve_on_the_standby_offers_the_push_module_the_primary_names_plus_marker_and_data_modules()
    {
        // Arrange: the same file on both machines.
        var onBeta = Config("beta");
        var onAlpha = Config("alpha");
        var push = onAlpha.FindJob(StandbySettings.JobName)!;

        // Act
        var modules = TlsModules.ServedBy(onBeta, "beta");
        var destination = new RsyncCommandBuilder(onAlpha, push).DestinationArgument(push.Syncs[1]);
        var conf = TlsServerFiles.RsyncdConf(onBeta.Hosts["beta"], modules, "/state/rsyncd.secrets", onBeta.SourceFile);

        // Assert
        modules.Select(m => (m.Name, m.Path, m.ReadOnly)).Should().Equal(
            ("standby.1", "/srv/replica", false), ("standby.1.markers", "/srv/replica", true), ("standby.1.data", "/srv/replica", true),
            ("standby.2", "/srv/mail-copy", false), ("standby.2.markers", "/srv/mail-copy", true), ("standby.2.data", "/srv/mail-copy", true));
        destination.Should().Be("syncwarden@beta::standby.2/", "the primary's push names the module serve offers on the standby");
        conf.Should().Contain("[standby.1]\n    comment = job standby sync 1\n    path = /srv/replica\n    read only = no\n    write only = yes\n");
        conf.Should().Contain("[standby.1.markers]\n    comment = job standby sync 1\n    path = /srv/replica\n    read only = yes\n    write only = no\n"
            + "    filter = + /.syncwarden-standby.json + /.syncwarden-standby-claim.json - *\n    refuse options = copy-links copy-dirlinks copy-unsafe-links\n");
        conf.Should().Contain("[standby.1.data]\n    comment = job standby sync 1\n    path = /srv/replica\n    read only = yes\n    write only = no\n\n");
        TlsModules.ServedBy(onBeta, "alpha").Should().BeEmpty("serve offers only this machine's side of the pair");
        TlsModules.ServedBy(onAlpha, "alpha").Select(m => m.Path).Should().OnlyContain(p => p == "/srv/data" || p == "/srv/mail", "alpha serves its own folders (the sources)");
    }

    [Fact]
    public void The_peer_reads_markers_through_the_marker_module_and_writes_them_through_the_push_module()
    {
        // Arrange
        var onAlpha = Config("alpha");
        var beta = onAlpha.Standby!.Peer;

        // Act
        var read = TlsModules.StandbyMarkerSpec(beta, 0, ".syncwarden-standby-claim.json", write: false);
        var written = TlsModules.StandbyMarkerSpec(beta, 1, ".syncwarden-standby.json", write: true);
        var data = TlsModules.StandbyDataSpec(beta, 1);

        // Assert
        read.Should().Be("syncwarden@beta::standby.1.markers/.syncwarden-standby-claim.json");
        written.Should().Be("syncwarden@beta::standby.2/.syncwarden-standby.json");
        data.Should().Be("syncwarden@beta::standby.2.data/");
    }

    [Fact]
    public void A_machine_reached_over_ssh_serves_no_standby_modules()
    {
        // Arrange: beta is reached over ssh, so the pair does not need its serve.
        var onBeta = Config("beta", betaTransport: "ssh");

        // Act
        var modules = TlsModules.StandbyModules(onBeta, "beta");

        // Assert
        modules.Should().BeEmpty();
    }
}

using Syncwarden.Configuration;
using Syncwarden.Rsync;
using Syncwarden.Ssh;
using Syncwarden.Tls;

namespace Syncwarden.Tests.Tls;

public sealed class TlsTransportBuilderTests : IDisposable
{
    private readonly TestDirectory _state = new("syncwarden-tls-");

    public void Dispose() => _state.Dispose();

    private SyncwardenConfig Config(string jobs) =>
        ConfigLoader.Parse($"state-dir: {_state.Path}\nhosts:\n  b: {{ address: 192.0.2.7, transport: rsync-tls, tls: {{ port: 8874, psk-file: /etc/syncwarden/b.psk }} }}\njobs:\n{jobs}", "/etc/syncwarden/syncwarden.yaml")
            is { Config: { } config } result ? config : throw new InvalidOperationException(string.Join("; ", ConfigLoader.Parse(jobs, "x").Errors));

    private const string Jobs = """
          up:
            direction: push
            host: b
            syncs:
              - { source: /srv/home/, destination: /backup/home }
              - { source: /srv/mail, destination: /backup/ }
          down:
            direction: pull
            host: b
            syncs: [{ source: /export/data/, destination: /srv/data }]
        """;

    [Fact]
    public void A_push_names_the_module_of_each_sync_and_runs_stunnel_as_the_remote_shell()
    {
        // Arrange
        var config = Config(Jobs);
        var job = config.FindJob("up")!;

        // Act
        var spec = new RsyncCommandBuilder(config, job).Build(job.Syncs[0], RsyncMode.Transfer);
        var second = new RsyncCommandBuilder(config, job).DestinationArgument(job.Syncs[1]);

        // Assert
        var clientConf = Path.Combine(_state.Path, "tls", "client-b.conf");
        spec.Arguments.Should().Contain("--rsh=" + SshCommand.ForRsyncRemoteShell(["stunnel4", clientConf]))
            .And.Contain("--password-file=/etc/syncwarden/b.psk")
            .And.Contain("--partial-dir=/.syncwarden-partial", "the daemon is chrooted to the module: / is the destination")
            .And.NotContain(a => a.StartsWith("--rsync-path", StringComparison.Ordinal));
        spec.Arguments[^1].Should().Be("syncwarden@b::up.1");
        spec.Arguments[^2].Should().Be("/srv/home/");
        second.Should().Be("syncwarden@b::up.2/", "a destination ending in a slash keeps it");
        File.GetUnixFileMode(clientConf).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.ReadAllText(clientConf).Should().Contain("connect = 192.0.2.7:8874").And.Contain("PSKsecrets = /etc/syncwarden/b.psk").And.Contain("client = yes");
    }

    [Fact]
    public void A_pull_names_the_module_of_its_source_and_the_listing_reaches_it()
    {
        // Arrange
        var config = Config(Jobs);
        var job = config.FindJob("down")!;
        var builder = new RsyncCommandBuilder(config, job);

        // Act
        var listing = builder.BuildSourceListing(job.Syncs[0]);

        // Assert
        builder.SourceArgument(job.Syncs[0]).Should().Be("syncwarden@b::down.1/");
        listing.Arguments[^1].Should().Be("syncwarden@b::down.1/");
        listing.Arguments.Should().Contain("--password-file=/etc/syncwarden/b.psk");
    }

    [Fact]
    public void Serve_has_one_module_per_sync_write_only_for_push_and_read_only_for_pull()
    {
        // Arrange
        var config = Config(Jobs);

        // Act
        var modules = TlsModules.ServedBy(config, "b");
        var conf = TlsServerFiles.RsyncdConf(config.Hosts["b"], modules, "/state/rsyncd.secrets", config.SourceFile);

        // Assert
        modules.Should().Equal(
            new TlsModule("up.1", "/backup/home", false, "up", 1),
            new TlsModule("up.2", "/backup", false, "up", 2),
            new TlsModule("down.1", "/export/data", true, "down", 1));
        conf.Should().Contain("use chroot = yes").And.Contain("numeric ids = yes").And.Contain("hosts allow = 127.0.0.1")
            .And.Contain("auth users = syncwarden").And.Contain("secrets file = /state/rsyncd.secrets");
        conf.Should().Contain("[up.1]\n    comment = job up sync 1\n    path = /backup/home\n    read only = no\n    write only = yes\n");
        conf.Should().Contain("[down.1]\n    comment = job down sync 1\n    path = /export/data\n    read only = yes\n    write only = no\n");
        TlsServerFiles.StunnelConf(config.Hosts["b"], 40000).Should().Contain("accept = 0.0.0.0:8874").And.Contain("connect = 127.0.0.1:40000");
        TlsModules.ServedBy(config, "other").Should().BeEmpty();
    }

    [Fact]
    public void A_module_path_that_rsyncd_conf_cannot_hold_is_refused()
    {
        TlsServerFiles.ProblemWith(new TlsModule("j.1", "/backup/100%", false, "j", 1)).Should().Contain("'%'");
        TlsServerFiles.ProblemWith(new TlsModule("j.1", "/backup/a\nb", false, "j", 1)).Should().Contain("line break");
        TlsServerFiles.ProblemWith(new TlsModule("j.1", "/backup/it's $(x)", false, "j", 1)).Should().BeNull();
    }

    [Theory]
    [InlineData("2026.12.01 19:20:23 LOG3[0]: SSL_connect: ../ssl/record/rec_layer_s3.c:1601: error:0A000417:SSL routines::sslv3 alert illegal parameter", "Authentication", "TLS pre-shared key refused by 192.0.2.7:8874 — check psk-file /etc/syncwarden/b.psk")]
    [InlineData("@ERROR: auth failed on module up.1", "Authentication", "TLS pre-shared key refused by 192.0.2.7:8874")]
    [InlineData("2026.12.01 19:20:30 LOG3[0]: s_connect: connect 192.0.2.7:8874: Connection refused (111)", "Unreachable", "is unreachable over rsync-tls: s_connect: connect 192.0.2.7:8874: Connection refused (111)")]
    [InlineData("@ERROR: Unknown module 'up.9'", "None", "does not serve this sync's module")]
    [InlineData("@ERROR: chroot failed", "None", "cannot enter this sync's folder")]
    public void Stunnel_and_rsync_words_become_what_to_fix(string line, string problem, string message)
    {
        var config = Config(Jobs);

        var (kind, text) = TlsErrorExplainer.Explain([line, "rsync: did not see server greeting"], config.Hosts["b"]);

        kind.ToString().Should().Be(problem);
        text.Should().Contain(message);
    }
}

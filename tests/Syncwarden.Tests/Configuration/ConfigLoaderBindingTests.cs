using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderBindingTests
{
    private const string FullConfig = """
        state-dir: /srv/syncwarden/state
        log:
          file: /var/log/syncwarden.log
          level: debug
        run-logs:
          keep: 50
        rsync-path: /usr/local/bin/rsync
        ssh-path: /usr/local/bin/ssh
        hosts:
          backup1:
            address: backup1.example.net
            user: replica
            port: 2222
            identity: /etc/syncwarden/id_ed25519
            known-hosts: /etc/syncwarden/known_hosts
            host-key-checking: accept-new
            connect-timeout: 30s
            ssh-options: [ServerAliveInterval=30, Compression=no]
            rsync-path: /opt/rsync/bin/rsync
          nas:
            address: 192.0.2.10
            host-key-checking: no
        jobs:
          nightly:
            direction: push
            host: backup1
            bandwidth: 5000
            syncs:
              - source: /srv/data
                destination: data
                options: [--checksum]
                exclude: ['*.iso']
              - source: /home
                destination: /replica/home
            exclude: ['*.tmp', .cache/]
            include: ['*.conf']
            exclude-from: [/etc/syncwarden/excludes.txt]
            include-from: [/etc/syncwarden/includes.txt]
            options: [--hard-links, -avzH, --numeric-ids]
            allow-empty-source: yes
            max-delete: 500
            exit-codes:
              24: success
              23: warning
              12: failure
            retries:
              count: 5
              delay: 1m30s
            timeout: 6h
          fetch-nas:
            host: nas
            max-delete: "10%"
            syncs:
              - { source: /volume1/photos, destination: /backup/photos }
          copy-local:
            syncs:
              - { source: /etc, destination: /backup/etc }
        """;

    [Fact]
    public void Full_config_binds_every_top_level_key()
    {
        // Arrange / Act
        var result = ConfigLoader.Parse(FullConfig, "/etc/syncwarden/syncwarden.yaml");

        // Assert
        result.Errors.Should().BeEmpty();
        result.IsValid.Should().BeTrue();
        var config = result.Config!;
        config.SourceFile.Should().Be("/etc/syncwarden/syncwarden.yaml");
        config.StateDir.Should().Be("/srv/syncwarden/state");
        config.Log.Should().Be(new LogSettings { File = "/var/log/syncwarden.log", Level = LogLevelSetting.Debug });
        config.RunLogs.Keep.Should().Be(50);
        config.RsyncPath.Should().Be("/usr/local/bin/rsync");
        config.SshPath.Should().Be("/usr/local/bin/ssh");
    }

    [Fact]
    public void Full_config_binds_every_host_key()
    {
        // Arrange / Act
        var config = ConfigLoader.Parse(FullConfig, "test.yaml").Config!;

        // Assert
        config.Hosts.Keys.Should().BeEquivalentTo("backup1", "nas");
        var host = config.Hosts["backup1"];
        host.Name.Should().Be("backup1");
        host.Address.Should().Be("backup1.example.net");
        host.User.Should().Be("replica");
        host.Port.Should().Be(2222);
        host.Identity.Should().Be("/etc/syncwarden/id_ed25519");
        host.KnownHosts.Should().Be("/etc/syncwarden/known_hosts");
        host.HostKeyChecking.Should().Be(HostKeyChecking.AcceptNew);
        host.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(30));
        host.SshOptions.Should().Equal("ServerAliveInterval=30", "Compression=no");
        host.RsyncPath.Should().Be("/opt/rsync/bin/rsync");

        var nas = config.Hosts["nas"];
        nas.HostKeyChecking.Should().Be(HostKeyChecking.No);
        nas.Port.Should().Be(22);
        nas.User.Should().BeNull();
        nas.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Full_config_binds_every_job_key()
    {
        // Arrange / Act
        var config = ConfigLoader.Parse(FullConfig, "test.yaml").Config!;

        // Assert
        config.Jobs.Select(j => j.Name).Should().Equal("nightly", "fetch-nas", "copy-local");
        var job = config.FindJob("nightly")!;
        job.Direction.Should().Be(Direction.Push);
        job.Host.Should().Be("backup1");
        job.HostConfig.Should().BeSameAs(config.Hosts["backup1"]);
        job.Bandwidth.Should().Be(5000);
        job.Syncs.Should().HaveCount(2);
        job.Syncs[0].Should().BeEquivalentTo(new SyncPair
        {
            Source = "/srv/data",
            Destination = "data",
            Options = ["--checksum"],
            Exclude = ["*.iso"],
        });
        job.Syncs[1].Source.Should().Be("/home");
        job.Syncs[1].Destination.Should().Be("/replica/home");
        job.Syncs[1].Options.Should().BeEmpty();
        job.Exclude.Should().Equal("*.tmp", ".cache/");
        job.Include.Should().Equal("*.conf");
        job.ExcludeFrom.Should().Equal("/etc/syncwarden/excludes.txt");
        job.IncludeFrom.Should().Equal("/etc/syncwarden/includes.txt");
        job.Options.Should().Equal("--hard-links", "-avzH", "--numeric-ids");
        job.AllowEmptySource.Should().BeTrue();
        job.MaxDelete.Should().Be(new DeleteLimit(500, null));
        job.ExitCodes.Should().BeEquivalentTo(new Dictionary<int, ExitCodeClass>
        {
            [0] = ExitCodeClass.Success,
            [24] = ExitCodeClass.Success,
            [23] = ExitCodeClass.Warning,
            [12] = ExitCodeClass.Failure,
        });
        job.Retries.Should().Be(new RetryPolicy { Count = 5, Delay = TimeSpan.FromSeconds(90) });
        job.Timeout.Should().Be(TimeSpan.FromHours(6));
    }

    [Fact]
    public void Direction_defaults_to_pull_with_a_host_and_local_without()
    {
        // Arrange / Act
        var config = ConfigLoader.Parse(FullConfig, "test.yaml").Config!;

        // Assert
        var pull = config.FindJob("fetch-nas")!;
        pull.Direction.Should().Be(Direction.Pull);
        pull.MaxDelete.Should().Be(new DeleteLimit(null, 10));
        pull.ExitCodes.Should().BeEquivalentTo(JobConfig.DefaultExitCodes);
        pull.Retries.Should().Be(new RetryPolicy());
        pull.Timeout.Should().BeNull();
        pull.AllowEmptySource.Should().BeFalse();

        var local = config.FindJob("copy-local")!;
        local.Direction.Should().Be(Direction.Local);
        local.Host.Should().BeNull();
        local.HostConfig.Should().BeNull();
    }

    [Fact]
    public void Omitted_sections_keep_their_defaults()
    {
        // Arrange
        const string yaml = """
            jobs: {}
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, "test.yaml");

        // Assert
        result.IsValid.Should().BeTrue();
        var config = result.Config!;
        config.StateDir.Should().Be("/var/lib/syncwarden");
        config.Log.Should().Be(new LogSettings());
        config.RunLogs.Keep.Should().Be(200);
        config.RsyncPath.Should().Be("rsync");
        config.SshPath.Should().Be("ssh");
        config.Hosts.Should().BeEmpty();
        config.Jobs.Should().BeEmpty();
    }

    [Fact]
    public void Anchors_and_aliases_are_resolved()
    {
        // Arrange
        const string yaml = """
            jobs:
              a:
                options: &common [--hard-links, --numeric-ids]
                syncs: [{ source: /a, destination: /b }]
              b:
                options: *common
                syncs: [{ source: /c, destination: /d }]
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, "test.yaml");

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.FindJob("b")!.Options.Should().Equal("--hard-links", "--numeric-ids");
    }
}

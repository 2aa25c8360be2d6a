using System.Runtime.Versioning;
using Syncwarden.Configuration;
using Syncwarden.Tls;

namespace Syncwarden.Tests.Configuration;

[UnsupportedOSPlatform("windows")]
public sealed class ConfigLoaderTransportTests
{
    private const string TlsHost = "hosts:\n  b: { address: b.example.net, transport: rsync-tls, tls: { port: 8874, psk-file: /etc/syncwarden/b.psk } }\n";
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static string PushJob(string body) =>
        TlsHost + $"jobs:\n  j:\n    direction: push\n    host: b\n    syncs: [{{ source: /srv/data/, destination: /backup/data }}]\n{body}";

    [Fact]
    public void Transport_defaults_to_ssh_and_rsync_tls_binds_its_tls_section()
    {
        // Act
        var config = ConfigLoader.Parse(TlsHost.Replace("b:", "a: { address: a.example.net }\n  b:", StringComparison.Ordinal) + "jobs: {}\n", ConfigErrors.File).Config!;

        // Assert
        config.Hosts["a"].Transport.Should().Be(Transport.Ssh);
        config.Hosts["a"].UsesTls.Should().BeFalse();
        config.Hosts["b"].Transport.Should().Be(Transport.RsyncTls);
        config.Hosts["b"].Tls.Should().Be(new TlsSettings { Port = 8874, PskFile = "/etc/syncwarden/b.psk" });
        config.StunnelPath.Should().Be("stunnel4");
    }

    [Theory]
    [InlineData("hosts:\n  b: { address: b, transport: rsync-tls }\njobs: {}\n", "hosts.b.transport", "needs a tls: section")]
    [InlineData("hosts:\n  b: { address: b, transport: tls }\njobs: {}\n", "hosts.b.transport", "expected one of ssh, rsync-tls")]
    [InlineData("hosts:\n  b: { address: b, tls: { psk-file: /k } }\njobs: {}\n", "hosts.b.tls", "only applies to a host with transport: rsync-tls")]
    [InlineData("hosts:\n  b: { address: b, transport: rsync-tls, tls: { port: 874 } }\njobs: {}\n", "hosts.b.tls.psk-file", "required key")]
    [InlineData("hosts:\n  b: { address: b, transport: rsync-tls, tls: { psk-file: k.psk } }\njobs: {}\n", "hosts.b.tls.psk-file", "absolute")]
    [InlineData("hosts:\n  b: { address: b, transport: rsync-tls, tls: { psk-file: /k, cert: /c.pem } }\njobs: {}\n", "hosts.b.tls.cert", "certificates are not supported yet")]
    [InlineData("hosts:\n  b: { address: b, transport: rsync-tls, tls: { psk-file: /k, port: 0 } }\njobs: {}\n", "hosts.b.tls.port", "TCP port")]
    public void Tls_mistakes_name_the_key(string yaml, string key, string words)
    {
        var error = ConfigErrors.Single(yaml);

        error.Key.Should().Be(key, error.ToString());
        error.Message.Should().Contain(words);
    }

    [Theory]
    [InlineData("    hooks: { before: [{ command: [/bin/true], on: remote }] }\n", "jobs.j.hooks", "remote hooks (on: remote)")]
    [InlineData("    locks: [\"b:/run/lock/x\"]\n", "jobs.j.locks", "remote locks")]
    [InlineData("    blocks-on: [\"b:/run/lock/x\"]\n", "jobs.j.blocks-on", "remote locks")]
    [InlineData("    snapshots: { method: link-dest, keep: { last: 3 } }\n", "jobs.j.snapshots", "snapshots at the destination")]
    [InlineData("    verify: { sample: 5% }\n", "jobs.j.verify", "verify")]
    public void Features_that_need_a_remote_shell_are_refused_for_an_rsync_tls_host(string body, string key, string what)
    {
        var error = ConfigErrors.Of(PushJob(body)).Should().ContainSingle(e => e.Key == key).Subject;

        error.Message.Should().Contain(what).And.Contain("host 'b' has transport: rsync-tls");
        error.Hint.Should().Contain("transport: ssh");
    }

    [Fact]
    public void A_lock_on_an_ssh_host_is_allowed_for_a_job_whose_host_has_rsync_tls()
    {
        // Arrange: the lock is taken over ssh on host a; host b (rsync-tls) is not involved in it.
        var yaml = PushJob("    locks: [\"a:/run/lock/x\"]\n").Replace("hosts:\n", "hosts:\n  a: { address: a.example.net }\n", StringComparison.Ordinal);

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.Jobs.Single().Locks.Should().ContainSingle().Which.Host.Should().Be("a");
    }

    [Fact]
    public void A_lock_on_the_rsync_tls_host_is_refused_also_for_a_job_of_another_host()
    {
        // Arrange: job k pushes to host a over ssh and holds a lock on host b, which offers no shell.
        var yaml = TlsHost.Replace("hosts:\n", "hosts:\n  a: { address: a.example.net }\n", StringComparison.Ordinal)
            + "jobs:\n  k:\n    direction: push\n    host: a\n    syncs: [{ source: /srv/data/, destination: /backup/data }]\n    blocks-on: [\"b:/run/lock/x\"]\n";

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Key.Should().Be("jobs.k.blocks-on", error.ToString());
        error.Message.Should().Contain("remote locks").And.Contain("host 'b' has transport: rsync-tls");
    }

    [Fact]
    public void A_pull_over_rsync_tls_needs_a_source_ending_in_a_slash()
    {
        var yaml = TlsHost + "jobs:\n  j:\n    host: b\n    syncs: [{ source: /srv/data, destination: /backup }]\n";

        var error = ConfigErrors.Single(yaml);

        error.Key.Should().Be("jobs.j.syncs");
        error.Message.Should().Contain("must end with '/'");
        error.Hint.Should().Contain("source: /srv/data/").And.Contain("destination: /backup/data");
    }

    [Fact]
    public void A_psk_file_readable_by_others_or_missing_is_an_error_naming_the_file()
    {
        // Arrange
        using var dir = new TestDirectory("syncwarden-psk-");
        var open = Path.Combine(dir.Path, "open.psk");
        PskFile.Generate(open, "syncwarden", overwrite: false);
        File.SetUnixFileMode(open, Mode600 | UnixFileMode.GroupRead);
        var missing = Path.Combine(dir.Path, "missing.psk");
        var yaml = $"hosts:\n  a: {{ address: a, transport: rsync-tls, tls: {{ psk-file: {open} }} }}\n  b: {{ address: b, transport: rsync-tls, tls: {{ psk-file: {missing} }} }}\njobs: {{}}\n";
        var config = dir.Write("syncwarden.yaml", yaml, Mode600);

        // Act
        var errors = ConfigLoader.Load(config).Errors;

        // Assert
        errors.Should().HaveCount(2);
        errors[0].Key.Should().Be("hosts.a.tls.psk-file");
        errors[0].Message.Should().Contain(open).And.Contain("mode 0640").And.Contain("chmod 600");
        errors[1].Key.Should().Be("hosts.b.tls.psk-file");
        errors[1].Message.Should().Contain("does not exist").And.Contain("syncwarden keys psk " + missing);
    }

    [Fact]
    public void Generated_psk_is_one_identity_key_line_owner_only_and_different_each_time()
    {
        // Arrange
        using var dir = new TestDirectory("syncwarden-psk-");
        var first = Path.Combine(dir.Path, "a.psk");
        var second = Path.Combine(dir.Path, "b.psk");

        // Act
        PskFile.Generate(first, "backup1", overwrite: false);
        PskFile.Generate(second, "backup1", overwrite: false);

        // Assert
        File.GetUnixFileMode(first).Should().Be(Mode600);
        File.ReadAllText(first).Should().MatchRegex("^backup1:[0-9a-f]{64}\n$");
        File.ReadAllText(first).Should().NotBe(File.ReadAllText(second));
        PskFile.Problem(first).Should().BeNull();
        File.WriteAllText(second, "backup1:short\n");
        PskFile.Problem(second).Should().Contain("at least 16 characters").And.NotContain("short");
    }
}

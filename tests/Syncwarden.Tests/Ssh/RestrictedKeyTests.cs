using Syncwarden.Configuration;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Tests.Ssh;

public sealed class RestrictedKeyTests
{
    private static readonly HostConfig s_nas = new() { Name = "nas", Address = "192.0.2.10", RsyncPath = "/opt/rsync" };

    private static SyncwardenConfig Config(params JobConfig[] jobs) =>
        new() { SourceFile = "/etc/syncwarden/syncwarden.yaml", Hosts = new Dictionary<string, HostConfig> { ["nas"] = s_nas }, Jobs = jobs };

    private static JobConfig Job(string name, Direction direction, string remote, HostConfig? host = null) => new()
    {
        Name = name, Direction = direction, Host = "nas", HostConfig = host ?? s_nas,
        Syncs = [direction == Direction.Push ? new SyncPair { Source = "/data/", Destination = remote } : new SyncPair { Source = remote, Destination = "/backup/in" }],
    };

    [Fact]
    public void Scope_is_the_deepest_common_folder_of_the_remote_paths_and_writable_with_a_push()
    {
        var config = Config(Job("a", Direction.Push, "/srv/replicas/a/"), Job("b", Direction.Pull, "/srv/replicas/b/data/"), Job("c", Direction.Push, "/srv/replicasX"));

        var (scope, error) = RestrictedKey.ScopeOf(config, "nas");

        error.Should().BeNull();
        scope!.Root.Should().Be("/srv", "/srv/replicasX only shares /srv, a name prefix is not a folder");
        scope.ReadOnly.Should().BeFalse();
        scope.Jobs.Should().Equal("a", "b", "c");
    }

    [Fact]
    public void Scope_of_pull_only_jobs_is_read_only_and_one_path_is_its_own_root()
    {
        var (scope, _) = RestrictedKey.ScopeOf(Config(Job("p", Direction.Pull, "/srv/data/./")), "nas");

        scope.Should().Be(new KeyScope("/srv/data", true, ["p"]) with { Jobs = scope!.Jobs });
    }

    [Fact]
    public void Scope_refuses_a_relative_remote_path_and_a_host_without_jobs()
    {
        RestrictedKey.ScopeOf(Config(Job("r", Direction.Push, "backups/r")), "nas").Error.Should().Contain("\"backups/r\" is not absolute");
        RestrictedKey.ScopeOf(Config(), "nas").Error.Should().Contain("no push or pull job uses host 'nas'");
    }

    [Fact]
    public void Full_login_features_name_remote_hooks_snapshots_and_remote_locks_per_job()
    {
        var hooked = Job("hooked", Direction.Push, "/srv/a") with
        {
            Hooks = new HooksConfig { Before = [new HookCommand { Command = ["true"], Remote = true }] },
            Snapshots = new SnapshotSettings { Method = SnapshotMethod.LinkDest },
        };
        var locker = new JobConfig { Name = "locker", Locks = [new LockRef("nas", "/run/x.lock")] };

        var features = RestrictedKey.FullLoginFeatures(Config(hooked, locker), "nas");

        features.Should().Equal(
            "job 'hooked': remote hooks (on: remote) run commands over ssh",
            "job 'hooked': snapshots at the destination run scripts over ssh",
            "job 'locker': remote locks (locks:/blocks-on: on this host) hold a shell session");
    }

    [Fact]
    public void Rsync_through_the_managed_key_leaves_out_secluded_args_and_rsync_path()
    {
        var managed = s_nas with { Identity = "/var/lib/syncwarden/keys/nas/id_ed25519", ManagedKey = true };
        var job = Job("a", Direction.Push, "/srv/a", managed);
        var builder = new RsyncCommandBuilder(Config(job), job);

        var transfer = builder.Build(job.Syncs[0], RsyncMode.Transfer).Arguments;
        var listing = builder.BuildSourceListing(job.Syncs[0]).Arguments;
        var plain = new RsyncCommandBuilder(Config(job), Job("a", Direction.Push, "/srv/a")).Build(job.Syncs[0], RsyncMode.Transfer).Arguments;

        builder.ThroughRrsync.Should().BeTrue();
        transfer.Should().NotContain("--secluded-args").And.NotContain(a => a.StartsWith("--rsync-path", StringComparison.Ordinal));
        listing.Should().NotContain("--secluded-args");
        plain.Should().Contain("--secluded-args").And.Contain("--rsync-path=/opt/rsync");
    }

    [Theory]
    [InlineData("/srv/replicas", "/srv/replicas/a", "/a/.syncwarden-partial")]
    [InlineData("/srv/replicas", "/srv/replicas/", "/.syncwarden-partial")]
    [InlineData("/", "/srv/a", "/srv/a/.syncwarden-partial")]
    [InlineData(null, "/srv/a", "/srv/a/.syncwarden-partial")]
    [InlineData("/elsewhere", "/srv/a", "/srv/a/.syncwarden-partial")]
    public void Push_through_rrsync_names_its_partial_dir_from_the_rrsync_folder(string? root, string destination, string expected)
    {
        // Arrange: rrsync reads an absolute option path as one under its folder.
        var managed = s_nas with { Identity = "/var/lib/syncwarden/keys/nas/id_ed25519", ManagedKey = true, RrsyncRoot = root };
        var job = Job("a", Direction.Push, destination, managed);

        // Act
        var transfer = new RsyncCommandBuilder(Config(job), job).Build(job.Syncs[0], RsyncMode.Transfer).Arguments;

        // Assert
        transfer.Should().Contain("--partial-dir=" + expected);
    }
}
